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
                          "Largest message payload, in bytes, that a received frame may "
                          "announce (the 6-byte frame header not counted); a larger length "
                          "is a framing error.",
                          UintegerValue(FrameDecoder::DEFAULT_MAX_FRAME_SIZE),
                          MakeUintegerAccessor(&FramedConnection::SetMaxFrameSize,
                                               &FramedConnection::GetMaxFrameSize),
                          MakeUintegerChecker<uint32_t>())
            .AddTraceSource("FrameSent",
                            "The last byte of a frame was handed to TCP.",
                            MakeTraceSourceAccessor(&FramedConnection::m_frameSentTrace),
                            "ns3::FramedConnection::FrameTracedCallback")
            .AddTraceSource("FrameReceived",
                            "A complete frame was received.",
                            MakeTraceSourceAccessor(&FramedConnection::m_frameReceivedTrace),
                            "ns3::FramedConnection::FrameTracedCallback")
            .AddTraceSource("TxBacklog",
                            "Bytes queued for sending that TCP has not accepted yet.",
                            MakeTraceSourceAccessor(&FramedConnection::m_txBacklog),
                            "ns3::TracedValueCallback::Uint64")
            .AddTraceSource("FramingError",
                            "The received byte stream is not a valid frame stream.",
                            MakeTraceSourceAccessor(&FramedConnection::m_framingErrorTrace),
                            "ns3::FramedConnection::FramingErrorTracedCallback");
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
    TakeSocket(socket);
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
    TakeSocket(socket);
    m_state = CONNECTED;
    // Bytes may have arrived before the caller got the socket; their receive notification
    // is gone, so look now, but not from inside Attach(): the caller may still be wiring up.
    m_resumeEvent = Simulator::ScheduleNow(&FramedConnection::Resume, this);
}

void
FramedConnection::TakeSocket(Ptr<Socket> socket)
{
    NS_ABORT_MSG_IF(m_state != IDLE, "a FramedConnection carries a single connection");
    m_socket = socket;
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
    Ptr<Packet> frame = message->Copy();
    frame->AddHeader(FrameHeader(message->GetSize()));
    m_txQueue.push_back({message, frame});
    m_txBacklog += frame->GetSize();
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
    m_resumeEvent.Cancel();
    m_txQueue.clear();
    if (m_socket && m_state != CLOSED)
    {
        ReleaseSocketCallbacks();
        m_socket->Close();
    }
    m_state = CLOSED;
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
    while (m_state == CONNECTED && !m_txQueue.empty() && SendHeadPiece())
    {
    }
    m_pumping = false;
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
        m_frameSentTrace(sent.message, sent.frame->GetSize());
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
    if (m_delivering)
    {
        // A message callback made the socket deliver more bytes; the outer loop, still
        // running, pops them in order, and message callbacks never nest.
        return;
    }
    Ptr<FramedConnection> self = this; // a callback may drop the last reference
    m_delivering = true;
    Ptr<Packet> message;
    while (m_state == CONNECTED && m_decoder.Pop(message))
    {
        m_frameReceivedTrace(message, message->GetSize() + FrameHeader::SERIALIZED_SIZE);
        if (!m_messageCallback.IsNull())
        {
            m_messageCallback(this, message);
        }
    }
    m_delivering = false;
    if (m_state == CONNECTED && m_decoder.HasError())
    {
        m_lastError = m_decoder.GetError();
        m_framingErrorTrace(m_lastError);
        Terminate(FRAMING_ERROR);
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
    m_resumeEvent.Cancel();
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
    m_resumeEvent.Cancel();
    if (m_socket)
    {
        // No FIN: disposal happens when the simulation is destroyed, after the node has
        // disposed its devices (ns-3 disposes a node's devices before its applications), and
        // sending through a disposed device's queue disc reads freed state. The node's TCP
        // disposes the socket.
        ReleaseSocketCallbacks();
        m_socket = nullptr;
    }
    m_state = CLOSED;
    m_txQueue.clear();
    m_messageCallback = MakeNullCallback<void, Ptr<FramedConnection>, Ptr<Packet>>();
    m_connectedCallback = MakeNullCallback<void, Ptr<FramedConnection>>();
    m_closedCallback = MakeNullCallback<void, Ptr<FramedConnection>, CloseReason>();
    Object::DoDispose();
}

} // namespace ns3
