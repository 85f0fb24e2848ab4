/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "cloud-app.h"

#include "paced-server.h"

#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("CloudApp");

NS_OBJECT_ENSURE_REGISTERED(CloudApp);

TypeId
CloudApp::GetTypeId()
{
    static TypeId tid = TypeId("ns3::CloudApp")
                            .SetParent<CeApplication>()
                            .SetGroupName("CeLslm")
                            .AddConstructor<CloudApp>()
                            .AddAttribute("Port",
                                          "TCP port on which edges connect.",
                                          UintegerValue(7100),
                                          MakeUintegerAccessor(&CloudApp::m_port),
                                          MakeUintegerChecker<uint16_t>())
                            .AddTraceSource("Refused",
                                            "Admission control refused new work "
                                            "(fault injection: overload).",
                                            MakeTraceSourceAccessor(&CloudApp::m_refusedTrace),
                                            "ns3::CloudApp::RefusedTracedCallback")
                            .AddTraceSource("Rx",
                                            "A protocol message was received from an edge.",
                                            MakeTraceSourceAccessor(&CloudApp::m_rxTrace),
                                            "ns3::ProtocolMessage::TracedCallback")
                            .AddTraceSource("Tx",
                                            "A protocol message was handed to TCP, to an edge.",
                                            MakeTraceSourceAccessor(&CloudApp::m_txTrace),
                                            "ns3::ProtocolMessage::TracedCallback");
    return tid;
}

CloudApp::CloudApp()
    : m_port(7100)
{
    NS_LOG_FUNCTION(this);
}

CloudApp::~CloudApp()
{
    NS_LOG_FUNCTION(this);
}

uint32_t
CloudApp::GetActiveStreams() const
{
    return GetServer() ? GetServer()->GetActiveRequests() : 0;
}

void
CloudApp::DoDispose()
{
    NS_LOG_FUNCTION(this);
    if (m_listener)
    {
        m_listener->Dispose();
        m_listener = nullptr;
    }
    CeApplication::DoDispose();
}

void
CloudApp::StartApplication()
{
    NS_LOG_FUNCTION(this);
    if (!GetServer())
    {
        SetServer(CreateObject<PacedServer>()); // network-only answers by default
    }
    m_listener = CreateObject<FramedListener>();
    m_listener->SetAcceptCallback(MakeCallback(&CloudApp::HandleEdgeAccepted, this));
    m_listener->Listen(GetNode(), m_port);
}

void
CloudApp::StopApplication()
{
    NS_LOG_FUNCTION(this);
    if (m_listener)
    {
        m_listener->Close();
    }
}

void
CloudApp::SetOverload(double probability, Ptr<UniformRandomVariable> random)
{
    m_overload = probability;
    m_random = random;
}

bool
CloudApp::Refuses(const ProtocolMessage& decoded) const
{
    const MessageHeader::Type type = decoded.header.GetType();
    const bool starts = type == MessageHeader::REQUEST || type == MessageHeader::CONTEXT_FETCH
                        || (type == MessageHeader::HIDDEN_STATE && decoded.hidden.IsDefer());
    return starts && m_overload > 0 && (m_overload >= 1 || m_random->GetValue() < m_overload);
}

void
CloudApp::HandleEdgeAccepted(Ptr<FramedConnection> connection)
{
    NS_LOG_FUNCTION(this << connection);
    Authenticate(connection); // the listener attaches the socket after this callback
    connection->SetMessageCallback(MakeCallback(&CloudApp::HandleMessage, this));
    connection->SetClosedCallback(MakeCallback(&CloudApp::HandleClosed, this));
    TraceConnection(connection, m_txTrace, "backhaul");
}

void
CloudApp::HandleMessage(Ptr<FramedConnection> connection, Ptr<Packet> message)
{
    ProtocolMessage decoded;
    if (!DecodeOrReport(connection, message, decoded, m_rxTrace, "an edge"))
    {
        return;
    }
    if (Refuses(decoded))
    {
        m_refusedTrace(decoded.header.GetRequestId());
        connection->Send(MakeErrorMessage(decoded.header.GetRequestId(), ErrorHeader::OVERLOADED));
        return;
    }
    switch (decoded.header.GetType())
    {
        case MessageHeader::REQUEST:
            ServeRequest(connection, decoded);
            break;
        case MessageHeader::CANCEL:
            // A cancel may cross the answer's last token: an unknown id is not an error.
            CancelServed(decoded.header.GetRequestId());
            break;
        default:
            if (!OfferToServer(connection, decoded))
            {
                ReportProtocolError(MessageHeader::TypeName(decoded.header.GetType())
                                    + " message from an edge for request "
                                    + std::to_string(decoded.header.GetRequestId()));
            }
            break;
    }
}

void
CloudApp::HandleClosed(Ptr<FramedConnection> connection, FramedConnection::CloseReason reason)
{
    NS_LOG_FUNCTION(this << connection << FramedConnection::CloseReasonName(reason));
    ReportFramingError(connection, reason, "an edge");
    ForgetConnection(connection);
}

} // namespace ns3
