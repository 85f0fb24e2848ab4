/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "ce-application.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("CeApplication");

NS_OBJECT_ENSURE_REGISTERED(CeApplication);

namespace
{

/// FramedConnection "FrameSent" sink: fire an application's message trace.
void
FireMessageTrace(MessageTrace* trace, Ptr<const Packet> message, uint32_t frameBytes)
{
    MessageHeader header;
    message->PeekHeader(header);
    (*trace)(header, frameBytes);
}

} // namespace

TypeId
CeApplication::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::CeApplication")
            .SetParent<Application>()
            .SetGroupName("CeLslm")
            .AddTraceSource("ProtocolError",
                            "A malformed or unexpected message arrived (it is ignored).",
                            MakeTraceSourceAccessor(&CeApplication::m_protocolErrorTrace),
                            "ns3::ProtocolMessage::ErrorTracedCallback");
    return tid;
}

uint64_t
CeApplication::GetProtocolErrors() const
{
    return m_protocolErrors;
}

bool
CeApplication::DecodeOrReport(Ptr<const Packet> message,
                              ProtocolMessage& decoded,
                              MessageTrace& rxTrace,
                              const std::string& peer)
{
    std::string error;
    if (!DecodeMessage(message, decoded, error))
    {
        ReportProtocolError("undecodable message from " + peer + ": " + error);
        return false;
    }
    rxTrace(decoded.header, GetFrameBytes(message));
    return true;
}

void
CeApplication::TraceSentMessages(Ptr<FramedConnection> connection, MessageTrace& txTrace)
{
    connection->TraceConnectWithoutContext("FrameSent",
                                           MakeBoundCallback(&FireMessageTrace, &txTrace));
}

void
CeApplication::ReportFramingError(Ptr<FramedConnection> connection,
                                  FramedConnection::CloseReason reason,
                                  const std::string& peer)
{
    if (reason == FramedConnection::FRAMING_ERROR)
    {
        ReportProtocolError("invalid framing from " + peer + ": " + connection->GetLastError());
    }
}

void
CeApplication::ReportProtocolError(const std::string& what)
{
    NS_LOG_WARN("node " << GetNode()->GetId() << ": " << what);
    ++m_protocolErrors;
    m_protocolErrorTrace(what);
}

} // namespace ns3
