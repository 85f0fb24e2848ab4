/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "tcp-event-probe.h"

#include "ns3/abort.h"
#include "ns3/log.h"
#include "ns3/packet.h"
#include "ns3/tcp-header.h"
#include "ns3/tcp-socket-base.h"
#include "ns3/tcp-socket-state.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TcpEventProbe");
NS_OBJECT_ENSURE_REGISTERED(TcpEventProbe);

TypeId
TcpEventProbe::GetTypeId()
{
    static TypeId tid = TypeId("ns3::TcpEventProbe").SetParent<Object>().SetGroupName("CeLslm");
    return tid;
}

Ptr<TcpEventProbe>
TcpEventProbe::Install(Ptr<Socket> socket,
                       RetransmissionCallback onRetransmission,
                       TimeoutCallback onTimeout)
{
    Ptr<TcpSocketBase> tcp = DynamicCast<TcpSocketBase>(socket);
    if (!tcp)
    {
        return nullptr;
    }
    Ptr<TcpEventProbe> probe = CreateObject<TcpEventProbe>();
    probe->m_onRetransmission = onRetransmission;
    probe->m_onTimeout = onTimeout;
    // The lambdas own the probe: it lives as long as the socket's trace sources.
    const bool tx = tcp->TraceConnectWithoutContext(
        "Tx",
        Callback<void, Ptr<const Packet>, const TcpHeader&, Ptr<const TcpSocketBase>>(
            [probe](Ptr<const Packet> p, const TcpHeader& h, Ptr<const TcpSocketBase> s)
            {
                probe->HandleTx(p, h, s);
            }));
    const bool state = tcp->TraceConnectWithoutContext(
        "CongState",
        Callback<void, TcpSocketState::TcpCongState_t, TcpSocketState::TcpCongState_t>(
            [probe](TcpSocketState::TcpCongState_t from, TcpSocketState::TcpCongState_t to)
            {
                probe->HandleCongState(from, to);
            }));
    NS_ABORT_MSG_UNLESS(tx && state, "TcpSocketBase lacks its Tx or CongState trace source");
    return probe;
}

void
TcpEventProbe::HandleTx(Ptr<const Packet> segment,
                        const TcpHeader& header,
                        Ptr<const TcpSocketBase>)
{
    const uint32_t bytes = segment->GetSize();
    if (bytes == 0)
    {
        return; // pure ACKs, SYNs and FINs without data
    }
    const SequenceNumber32 begin = header.GetSequenceNumber();
    const SequenceNumber32 end = begin + bytes;
    if (m_sentData && begin < m_highest)
    {
        ++m_retransmissions;
        NS_LOG_LOGIC("retransmission of " << bytes << " bytes at " << begin);
        if (!m_onRetransmission.IsNull())
        {
            m_onRetransmission(bytes);
        }
    }
    if (!m_sentData || end > m_highest)
    {
        m_highest = end;
        m_sentData = true;
    }
}

void
TcpEventProbe::HandleCongState(uint32_t oldState, uint32_t newState)
{
    if (newState != TcpSocketState::CA_LOSS || oldState == TcpSocketState::CA_LOSS)
    {
        return;
    }
    ++m_timeouts;
    NS_LOG_LOGIC("retransmission timeout");
    if (!m_onTimeout.IsNull())
    {
        m_onTimeout();
    }
}

void
TcpEventProbe::Disconnect()
{
    m_onRetransmission = RetransmissionCallback();
    m_onTimeout = TimeoutCallback();
}

uint64_t
TcpEventProbe::GetRetransmissions() const
{
    return m_retransmissions;
}

uint64_t
TcpEventProbe::GetTimeouts() const
{
    return m_timeouts;
}

} // namespace ns3
