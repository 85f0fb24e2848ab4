/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "framed-connection.h"

#include "frame-header.h"

#include "ns3/abort.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FramedConnection");

NS_OBJECT_ENSURE_REGISTERED(FramedConnection);

TypeId
FramedConnection::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::FramedConnection")
            .SetParent<Object>()
            .SetGroupName("CeLslm")
            .AddConstructor<FramedConnection>()
            .AddAttribute("MaxFrameSize",
                          "Largest frame payload, in bytes, that a received frame may "
                          "announce: the message, plus the 40-byte sequence number and tag "
                          "when authenticated (the 6-byte frame header not counted); a larger "
                          "length is a framing error.",
                          UintegerValue(FrameDecoder::DEFAULT_MAX_FRAME_SIZE),
                          MakeUintegerAccessor(&FramedConnection::SetMaxFrameSize,
                                               &FramedConnection::GetMaxFrameSize),
                          MakeUintegerChecker<uint32_t>())
            .AddTraceSource("FrameSent",
                            "The last byte of a frame was handed to TCP.",
                            MakeTraceSourceAccessor(&FramedConnection::m_frameSentTrace),
                            "ns3::FramedConnection::FrameTracedCallback")
            .AddTraceSource("FrameReceived",
                            "A complete frame was received (and, if authenticated, found "
                            "authentic once its check was done).",
                            MakeTraceSourceAccessor(&FramedConnection::m_frameReceivedTrace),
                            "ns3::FramedConnection::FrameTracedCallback")
            .AddTraceSource("TxBacklog",
                            "Bytes queued for sending that TCP has not accepted yet.",
                            MakeTraceSourceAccessor(&FramedConnection::m_txBacklog),
                            "ns3::TracedValueCallback::Uint64")
            .AddTraceSource("TcpRetransmission",
                            "The TCP socket sent a segment again (payload bytes; TcpEventProbe).",
                            MakeTraceSourceAccessor(&FramedConnection::m_tcpRetransmissionTrace),
                            "ns3::FramedConnection::RetransmissionTracedCallback")
            .AddTraceSource("TcpTimeout",
                            "The TCP socket's retransmission timer expired (once per loss "
                            "episode; TcpEventProbe).",
                            MakeTraceSourceAccessor(&FramedConnection::m_tcpTimeoutTrace),
                            "ns3::TracedCallback::Void")
            .AddTraceSource("FramingError",
                            "The received byte stream is not a valid frame stream.",
                            MakeTraceSourceAccessor(&FramedConnection::m_framingErrorTrace),
                            "ns3::FramedConnection::FramingErrorTracedCallback")
            .AddTraceSource("MessageRejected",
                            "An authenticated frame was dropped once its check was done, "
                            "because it was forged or replayed.",
                            MakeTraceSourceAccessor(&FramedConnection::m_messageRejectedTrace),
                            "ns3::FramedConnection::AuthenticationTracedCallback")
            .AddTraceSource("FrameInjected",
                            "The last byte of a frame injected by SendForged (\"forged\") or "
                            "ReplayLastFrame (\"replayed\") was handed to TCP.",
                            MakeTraceSourceAccessor(&FramedConnection::m_frameInjectedTrace),
                            "ns3::FramedConnection::AuthenticationTracedCallback");
    return tid;
}

FramedConnection::FramedConnection()
    : m_state(IDLE)
    , m_closeRequested(false)
    , m_pumping(false)
    , m_delivering(false)
    , m_headOffset(0)
    , m_txBacklog(0)
    , m_bytesSent(0)
    , m_bytesReceived(0)
    , m_peerFinished(false)
    , m_initiator(false)
    , m_txSequence(0)
    , m_rxSequence(0)
{
    NS_LOG_FUNCTION(this);
}

FramedConnection::~FramedConnection()
{
    NS_LOG_FUNCTION(this);
}

std::string
FramedConnection::CloseReasonName(CloseReason reason)
{
    switch (reason)
    {
        case PEER_CLOSED:
            return "peer-closed";
        case ERROR:
            return "error";
        case CONNECT_FAILED:
            return "connect-failed";
        case FRAMING_ERROR:
            return "framing-error";
        case LOCAL_CLOSE:
            return "local-close";
    }
    return "unknown";
}

void
FramedConnection::Connect(Ptr<Socket> socket, const Address& peer)
{
    NS_LOG_FUNCTION(this << socket << peer);
    TakeSocket(socket, true);
    m_state = CONNECTING;
    socket->SetConnectCallback(MakeCallback(&FramedConnection::HandleConnectionSucceeded, this),
                               MakeCallback(&FramedConnection::HandleConnectionFailed, this));
    if (socket->Connect(peer) == -1)
    {
        RecordSocketError("connect refused by the socket");
        Terminate(CONNECT_FAILED);
    }
}

void
FramedConnection::Attach(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    TakeSocket(socket, false);
    m_state = CONNECTED;
    // Bytes may have arrived before the caller got the socket; their receive notification
    // is gone, so look now, but not from inside Attach(): the caller may still be wiring up.
    m_resumeEvent = Simulator::ScheduleNow(&FramedConnection::Resume, this);
}

void
FramedConnection::SetAuthenticator(Ptr<MessageAuthenticator> authenticator)
{
    NS_LOG_FUNCTION(this << authenticator);
    NS_ABORT_MSG_IF(m_state != IDLE,
                    "FramedConnection::SetAuthenticator after Connect() or Attach()");
    NS_ABORT_MSG_UNLESS(!authenticator || authenticator->HasKey(),
                        "FramedConnection::SetAuthenticator: the authenticator has no key");
    m_authenticator = authenticator;
}

Ptr<MessageAuthenticator>
FramedConnection::GetAuthenticator() const
{
    return m_authenticator;
}

uint32_t
FramedConnection::GetFrameOverhead() const
{
    return FrameHeader::SERIALIZED_SIZE
           + (m_authenticator ? MessageAuthenticator::TRAILER_BYTES : 0);
}

MessageAuthenticator::Direction
FramedConnection::TxDirection() const
{
    return m_initiator ? MessageAuthenticator::FROM_INITIATOR
                       : MessageAuthenticator::FROM_RESPONDER;
}

void
FramedConnection::TakeSocket(Ptr<Socket> socket, bool initiator)
{
    NS_ABORT_MSG_IF(m_state != IDLE, "a FramedConnection carries a single connection");
    m_initiator = initiator;
    m_socket = socket;
    std::vector<Ptr<const Packet>> untagged;
    untagged.swap(m_untagged);
    for (const auto& message : untagged)
    {
        m_txBacklog -= message->GetSize() + GetFrameOverhead();
        Send(message); // queued (state IDLE): sent once connected, as without authentication
    }
    m_tcpProbe = TcpEventProbe::Install(
        socket,
        MakeCallback(&TracedCallback<uint32_t>::operator(), &m_tcpRetransmissionTrace),
        MakeCallback(&TracedCallback<>::operator(), &m_tcpTimeoutTrace));
    socket->SetRecvCallback(MakeCallback(&FramedConnection::HandleRecv, this));
    socket->SetSendCallback(MakeCallback(&FramedConnection::HandleSend, this));
    socket->SetCloseCallbacks(MakeCallback(&FramedConnection::HandleNormalClose, this),
                              MakeCallback(&FramedConnection::HandleErrorClose, this));
}

void
FramedConnection::ReleaseSocketCallbacks()
{
    m_socket->SetConnectCallback(MakeNullCallback<void, Ptr<Socket>>(),
                                 MakeNullCallback<void, Ptr<Socket>>());
    m_socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
    m_socket->SetSendCallback(MakeNullCallback<void, Ptr<Socket>, uint32_t>());
    m_socket->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(),
                                MakeNullCallback<void, Ptr<Socket>>());
}

void
FramedConnection::Send(Ptr<const Packet> message)
{
    NS_LOG_FUNCTION(this << message->GetSize());
    if (m_closeRequested || m_state == CLOSED)
    {
        NS_LOG_WARN("dropping a message of " << message->GetSize()
                                             << " bytes: the connection is closing or closed");
        return;
    }
    if (m_authenticator && !m_socket)
    {
        // The tag's direction label depends on which side connects: tag it when that is known.
        m_untagged.push_back(message);
        m_txBacklog += message->GetSize() + GetFrameOverhead();
        return;
    }
    Ptr<Packet> frame = message->Copy();
    Time delay;
    if (m_authenticator)
    {
        frame->AddAtEnd(m_authenticator->Seal(TxDirection(), m_txSequence++, message, delay));
    }
    frame->AddHeader(FrameHeader(frame->GetSize()));
    m_lastFrame = {message, frame, Simulator::Now() + delay, ""};
    Enqueue(m_lastFrame);
}

void
FramedConnection::SendForged(Ptr<const Packet> message)
{
    NS_LOG_FUNCTION(this << message->GetSize());
    if (m_closeRequested || m_state == CLOSED || !m_socket)
    {
        NS_LOG_WARN("not injecting a forged frame: the connection is not connecting, "
                    "connected or open");
        return;
    }
    Ptr<Packet> frame = message->Copy();
    if (m_authenticator)
    {
        // The genuine trailer with every tag bit flipped: certainly wrong, as the tag of an
        // attacker without the key would be (but for a 2^-256 chance).
        Ptr<Packet> trailer = m_authenticator->MakeTrailer(TxDirection(), m_txSequence, message);
        uint8_t bytes[MessageAuthenticator::TRAILER_BYTES];
        trailer->CopyData(bytes, sizeof(bytes));
        for (uint32_t i = MessageAuthenticator::SEQUENCE_BYTES; i < sizeof(bytes); ++i)
        {
            bytes[i] = ~bytes[i];
        }
        frame->AddAtEnd(Create<Packet>(bytes, sizeof(bytes)));
    }
    frame->AddHeader(FrameHeader(frame->GetSize()));
    Enqueue({message, frame, Simulator::Now(), "forged"});
}

bool
FramedConnection::ReplayLastFrame()
{
    NS_LOG_FUNCTION(this);
    if (m_closeRequested || m_state == CLOSED || !m_lastFrame.frame)
    {
        NS_LOG_WARN("no frame to replay, or the connection is closing or closed");
        return false;
    }
    Enqueue({m_lastFrame.message, m_lastFrame.frame->Copy(), Simulator::Now(), "replayed"});
    return true;
}

void
FramedConnection::Enqueue(const PendingFrame& frame)
{
    m_txQueue.push_back(frame);
    m_txBacklog += frame.frame->GetSize();
    Pump();
}

void
FramedConnection::Close()
{
    NS_LOG_FUNCTION(this);
    if (m_closeRequested || m_state == CLOSED)
    {
        return;
    }
    m_closeRequested = true;
    if (m_state == IDLE)
    {
        Terminate(LOCAL_CLOSE);
        return;
    }
    Pump();
}

void
FramedConnection::Abort()
{
    NS_LOG_FUNCTION(this);
    if (m_socket && m_state != CLOSED)
    {
        ReleaseSocketCallbacks();
        m_socket->Close();
    }
    DropState();
}

void
FramedConnection::DropState()
{
    m_resumeEvent.Cancel();
    m_txReadyEvent.Cancel();
    m_rxReadyEvent.Cancel();
    m_state = CLOSED;
    m_txQueue.clear();
    m_untagged.clear();
    m_rxQueue.clear();
    m_lastFrame = PendingFrame();
    m_messageCallback = MakeNullCallback<void, Ptr<FramedConnection>, Ptr<Packet>>();
    m_connectedCallback = MakeNullCallback<void, Ptr<FramedConnection>>();
    m_closedCallback = MakeNullCallback<void, Ptr<FramedConnection>, CloseReason>();
}

void
FramedConnection::Pump()
{
    if (m_pumping || m_state != CONNECTED)
    {
        return;
    }
    Ptr<FramedConnection> self = this; // a FrameSent sink may drop the last reference
    m_pumping = true;
    while (m_state == CONNECTED && !m_txQueue.empty() && m_txQueue.front().ready <= Simulator::Now()
           && SendHeadPiece())
    {
    }
    m_pumping = false;
    if (m_state == CONNECTED && !m_txQueue.empty() && !m_txReadyEvent.IsRunning()
        && m_txQueue.front().ready > Simulator::Now())
    {
        // The head frame's tag is still being computed: frames leave in order, when it is.
        m_txReadyEvent = Simulator::Schedule(m_txQueue.front().ready - Simulator::Now(),
                                             &FramedConnection::Pump,
                                             this);
    }
    if (m_closeRequested && m_txQueue.empty())
    {
        Terminate(LOCAL_CLOSE);
    }
}

bool
FramedConnection::SendHeadPiece()
{
    uint32_t available = m_socket->GetTxAvailable();
    if (available == 0)
    {
        return false;
    }
    const PendingFrame& head = m_txQueue.front();
    uint32_t pieceSize = std::min(available, head.frame->GetSize() - m_headOffset);
    int accepted = m_socket->Send(head.frame->CreateFragment(m_headOffset, pieceSize), 0);
    if (accepted <= 0)
    {
        // The connection is going away; its close notification ends this connection.
        NS_LOG_WARN("TCP refused " << pieceSize << " bytes, socket errno " << m_socket->GetErrno());
        return false;
    }
    m_headOffset += accepted;
    m_bytesSent += accepted;
    m_txBacklog -= accepted;
    if (m_headOffset == head.frame->GetSize())
    {
        PendingFrame sent = head;
        m_txQueue.pop_front();
        m_headOffset = 0;
        if (sent.injected.empty())
        {
            m_frameSentTrace(sent.message, sent.frame->GetSize());
        }
        else
        {
            m_frameInjectedTrace(sent.message, sent.injected);
        }
    }
    return true;
}

void
FramedConnection::Resume()
{
    NS_LOG_FUNCTION(this);
    if (m_state != CONNECTED)
    {
        return;
    }
    Ptr<FramedConnection> self = this; // delivery may drop the last reference
    ReadSocket();
    DeliverMessages();
    Pump();
}

bool
FramedConnection::ReadSocket()
{
    // Socket convention: a null packet means nothing to read, an empty one the end of the
    // stream (TCP returns it once the peer's FIN is reached).
    Ptr<Packet> bytes;
    while ((bytes = m_socket->Recv()) && bytes->GetSize() > 0)
    {
        m_bytesReceived += bytes->GetSize();
        m_decoder.Push(bytes);
    }
    return bytes != nullptr;
}

void
FramedConnection::DeliverMessages()
{
    Ptr<Packet> payload;
    while (m_state == CONNECTED && m_decoder.Pop(payload))
    {
        ReceivedFrame frame{payload,
                            payload->GetSize() + FrameHeader::SERIALIZED_SIZE,
                            Simulator::Now(),
                            MessageAuthenticator::AUTHENTIC};
        if (m_authenticator)
        {
            // The peer sends in the other direction than this side.
            const auto direction = m_initiator ? MessageAuthenticator::FROM_RESPONDER
                                               : MessageAuthenticator::FROM_INITIATOR;
            auto opened = m_authenticator->Open(direction, m_rxSequence, payload);
            frame.verdict = opened.verdict;
            frame.ready += opened.delay;
            if (opened.verdict == MessageAuthenticator::AUTHENTIC)
            {
                ++m_rxSequence;
            }
        }
        m_rxQueue.push_back(frame);
    }
    DeliverReady();
}

void
FramedConnection::DeliverReady()
{
    if (m_delivering)
    {
        // A message callback made the socket deliver more bytes; the outer loop, still
        // running, delivers them in order, and message callbacks never nest.
        return;
    }
    Ptr<FramedConnection> self = this; // a callback may drop the last reference
    m_delivering = true;
    while (m_state == CONNECTED && !m_rxQueue.empty()
           && m_rxQueue.front().ready <= Simulator::Now())
    {
        ReceivedFrame frame = m_rxQueue.front();
        m_rxQueue.pop_front();
        if (frame.verdict != MessageAuthenticator::AUTHENTIC)
        {
            const std::string reason = MessageAuthenticator::VerdictName(frame.verdict);
            NS_LOG_WARN("dropping a " << reason << " frame of " << frame.frameBytes << " bytes");
            m_messageRejectedTrace(frame.message, reason);
            continue;
        }
        m_frameReceivedTrace(frame.message, frame.frameBytes);
        if (!m_messageCallback.IsNull())
        {
            m_messageCallback(this, frame.message);
        }
    }
    m_delivering = false;
    if (m_state != CONNECTED)
    {
        return;
    }
    if (!m_rxQueue.empty())
    {
        if (!m_rxReadyEvent.IsRunning())
        {
            m_rxReadyEvent = Simulator::Schedule(m_rxQueue.front().ready - Simulator::Now(),
                                                 &FramedConnection::DeliverReady,
                                                 this);
        }
        return;
    }
    // Frames that arrived before a framing error or the peer's FIN are delivered first.
    if (m_decoder.HasError())
    {
        m_lastError = m_decoder.GetError();
        m_framingErrorTrace(m_lastError);
        Terminate(FRAMING_ERROR);
    }
    else if (m_peerFinished)
    {
        Terminate(PEER_CLOSED);
    }
}

void
FramedConnection::Terminate(CloseReason reason)
{
    NS_LOG_FUNCTION(this << CloseReasonName(reason));
    if (m_state == CLOSED)
    {
        return;
    }
    Ptr<FramedConnection> self = this; // the closed callback may drop the last reference
    bool socketOpen = m_socket && reason != ERROR && reason != CONNECT_FAILED;
    m_state = CLOSED;
    m_txQueue.clear();
    m_headOffset = 0;
    m_txBacklog = 0;
    m_untagged.clear();
    m_rxQueue.clear();
    m_resumeEvent.Cancel();
    m_txReadyEvent.Cancel();
    m_rxReadyEvent.Cancel();
    if (socketOpen)
    {
        m_socket->Close();
    }
    if (!m_closedCallback.IsNull())
    {
        m_closedCallback(this, reason);
    }
}

void
FramedConnection::RecordSocketError(const std::string& what)
{
    std::ostringstream error;
    error << what << " (socket errno " << m_socket->GetErrno() << ")";
    m_lastError = error.str();
    NS_LOG_WARN(m_lastError);
}

void
FramedConnection::HandleConnectionSucceeded(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    if (m_state != CONNECTING)
    {
        return;
    }
    Ptr<FramedConnection> self = this; // the connected callback may drop the last reference
    m_state = CONNECTED;
    if (!m_connectedCallback.IsNull())
    {
        m_connectedCallback(this);
    }
    Pump();
}

void
FramedConnection::HandleConnectionFailed(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    if (m_state != CONNECTING)
    {
        return;
    }
    RecordSocketError("connection failed");
    Terminate(CONNECT_FAILED);
}

void
FramedConnection::HandleNormalClose(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    if (m_state != CONNECTED)
    {
        Terminate(PEER_CLOSED);
        return;
    }
    Ptr<FramedConnection> self = this; // delivery may drop the last reference
    bool endOfStream = ReadSocket();
    DeliverMessages(); // messages that arrived before the close come first
    if (m_state != CONNECTED)
    {
        return;
    }
    if (!endOfStream)
    {
        // ns-3 TCP reports a reset through this callback too; only a FIN ends the stream.
        m_lastError = "connection reset by peer";
        NS_LOG_WARN(m_lastError);
        Terminate(ERROR);
        return;
    }
    if (!m_rxQueue.empty())
    {
        m_peerFinished = true; // DeliverReady closes once the frames being checked are out
        return;
    }
    Terminate(PEER_CLOSED);
}

void
FramedConnection::HandleErrorClose(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    if (m_state == CLOSED)
    {
        return;
    }
    RecordSocketError("connection aborted");
    Terminate(ERROR);
}

void
FramedConnection::HandleRecv(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    if (m_state != CONNECTED)
    {
        return;
    }
    ReadSocket();
    DeliverMessages();
}

void
FramedConnection::HandleSend(Ptr<Socket> socket, uint32_t available)
{
    NS_LOG_FUNCTION(this << socket << available);
    Pump();
}

void
FramedConnection::SetMessageCallback(MessageCallback callback)
{
    m_messageCallback = callback;
}

void
FramedConnection::SetConnectedCallback(ConnectedCallback callback)
{
    m_connectedCallback = callback;
}

void
FramedConnection::SetClosedCallback(ClosedCallback callback)
{
    m_closedCallback = callback;
}

void
FramedConnection::SetMaxFrameSize(uint32_t maxFrameSize)
{
    m_decoder.SetMaxFrameSize(maxFrameSize);
}

uint32_t
FramedConnection::GetMaxFrameSize() const
{
    return m_decoder.GetMaxFrameSize();
}

uint64_t
FramedConnection::GetTxBacklog() const
{
    return m_txBacklog;
}

uint64_t
FramedConnection::GetBytesSent() const
{
    return m_bytesSent;
}

uint64_t
FramedConnection::GetBytesReceived() const
{
    return m_bytesReceived;
}

bool
FramedConnection::IsConnected() const
{
    return m_state == CONNECTED;
}

bool
FramedConnection::IsClosed() const
{
    return m_state == CLOSED || m_closeRequested;
}

const std::string&
FramedConnection::GetLastError() const
{
    return m_lastError;
}

Ptr<Socket>
FramedConnection::GetSocket() const
{
    return m_socket;
}

void
FramedConnection::DoDispose()
{
    NS_LOG_FUNCTION(this);
    if (m_socket)
    {
        // No FIN: disposal happens when the simulation is destroyed, after the node has
        // disposed its devices (ns-3 disposes a node's devices before its applications), and
        // sending through a disposed device's queue disc reads freed state. The node's TCP
        // disposes the socket.
        ReleaseSocketCallbacks();
        m_socket = nullptr;
    }
    if (m_tcpProbe)
    {
        m_tcpProbe->Disconnect(); // the socket, which holds the probe, may outlive this
        m_tcpProbe = nullptr;
    }
    DropState();
    m_authenticator = nullptr;
    Object::DoDispose();
}

} // namespace ns3
