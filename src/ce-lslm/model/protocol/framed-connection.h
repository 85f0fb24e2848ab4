/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_FRAMED_CONNECTION_H
#define CE_LSLM_FRAMED_CONNECTION_H

#include "frame-decoder.h"

#include "ns3/address.h"
#include "ns3/callback.h"
#include "ns3/event-id.h"
#include "ns3/object.h"
#include "ns3/packet.h"
#include "ns3/ptr.h"
#include "ns3/socket.h"
#include "ns3/traced-callback.h"
#include "ns3/traced-value.h"

#include <cstdint>
#include <deque>
#include <string>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Message-oriented connection over one ns-3 TCP socket.
 *
 * Each message is sent as one frame: a FrameHeader followed by the message bytes. TCP
 * accepts at most GetTxAvailable() bytes per Send, so frames are queued here and handed
 * to the socket piece by piece whenever it has room; messages are never dropped or
 * reordered while the connection is open. Received bytes are reassembled by a
 * FrameDecoder and delivered as whole messages, in order.
 *
 * The callbacks (message received, connected, closed) may call Send() or Close() on this
 * connection and may drop the last reference to it.
 */
class FramedConnection : public Object
{
  public:
    /// Why a connection ended, as reported to the closed callback.
    enum CloseReason
    {
        PEER_CLOSED,    //!< The peer closed its side of the connection
        ERROR,          //!< The connection was reset or timed out
        CONNECT_FAILED, //!< Connect() did not establish the connection
        FRAMING_ERROR,  //!< The peer sent bytes that are not a valid frame stream
        LOCAL_CLOSE     //!< Close() was called and everything queued was handed to TCP
    };

    /**
     * \brief Callback signature for the message received callback.
     * \param connection the connection the message arrived on
     * \param message the message payload (without frame header)
     */
    typedef Callback<void, Ptr<FramedConnection>, Ptr<Packet>> MessageCallback;

    /**
     * \brief Callback signature for the connected callback.
     * \param connection the connection that is now established
     */
    typedef Callback<void, Ptr<FramedConnection>> ConnectedCallback;

    /**
     * \brief Callback signature for the closed callback.
     * \param connection the connection that ended
     * \param reason why it ended
     */
    typedef Callback<void, Ptr<FramedConnection>, CloseReason> ClosedCallback;

    /**
     * TracedCallback signature for frames sent or received.
     * \param [in] message the message payload (without frame header)
     * \param [in] frameBytes size of the whole frame on the wire, header included
     */
    typedef void (*FrameTracedCallback)(Ptr<const Packet> message, uint32_t frameBytes);

    /**
     * TracedCallback signature for framing errors.
     * \param [in] error description of the error, naming the stream offset
     */
    typedef void (*FramingErrorTracedCallback)(const std::string& error);

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    FramedConnection();
    ~FramedConnection() override;

    /**
     * \param reason a close reason
     * \return its name as used in failure reasons and logs, e.g. "peer-closed"
     */
    static std::string CloseReasonName(CloseReason reason);

    /**
     * \brief Connects a fresh TCP socket to a peer (client side).
     *
     * Messages sent before the connection is established are queued and sent once it is.
     * The connected callback fires when the connection is established; if it cannot be,
     * the closed callback fires with CONNECT_FAILED (immediately, if the socket refuses to
     * start connecting).
     *
     * \param socket an unconnected TCP socket
     * \param peer the address to connect to
     */
    void Connect(Ptr<Socket> socket, const Address& peer);

    /**
     * \brief Takes over an already connected TCP socket (e.g. from an accept callback).
     *
     * The connected callback is not invoked: the connection is established on return.
     * Bytes already waiting in the socket are read in a simulator event scheduled now.
     *
     * \param socket a connected TCP socket
     */
    void Attach(Ptr<Socket> socket);

    /**
     * \brief Queues a message as one frame and hands as much as possible to TCP.
     *
     * Messages sent after Close() or after the connection ended are dropped (with a
     * warning), since there is no stream left to carry them.
     *
     * A message larger than the peer's MaxFrameSize makes the peer close the connection
     * with a framing error.
     *
     * \param message the message payload
     */
    void Send(Ptr<const Packet> message);

    /**
     * \brief Closes the connection gracefully.
     *
     * The socket is closed once every queued frame has been handed to TCP, which then
     * delivers it before its FIN; the closed callback then fires with LOCAL_CLOSE (before
     * Close() returns, if nothing is queued). Messages keep being delivered until then.
     */
    void Close();

    /**
     * \brief Ends the connection at once, as the operating system does for a process that
     * crashed: frames not yet handed to TCP are dropped, TCP sends what it holds and a FIN,
     * and no callback of this connection fires any more (not even the closed callback).
     */
    void Abort();

    /**
     * \param callback invoked with every received message, in order
     */
    void SetMessageCallback(MessageCallback callback);

    /**
     * \param callback invoked when a Connect() succeeds
     */
    void SetConnectedCallback(ConnectedCallback callback);

    /**
     * \param callback invoked once, when the connection ends for any reason
     */
    void SetClosedCallback(ClosedCallback callback);

    /**
     * \return bytes queued here (frame headers included) that TCP has not accepted yet
     */
    uint64_t GetTxBacklog() const;

    /**
     * \return bytes (frame headers included) handed to the TCP socket so far
     */
    uint64_t GetBytesSent() const;

    /**
     * \return bytes read from the TCP socket so far
     */
    uint64_t GetBytesReceived() const;

    /**
     * \return true while the TCP connection is established and not closed
     */
    bool IsConnected() const;

    /**
     * \return the description of the last error (socket or framing), empty if none
     */
    const std::string& GetLastError() const;

    /**
     * \return the TCP socket, or null before Connect()/Attach() and after disposal
     */
    Ptr<Socket> GetSocket() const;

  protected:
    void DoDispose() override;

  private:
    /// Life cycle of the connection.
    enum State
    {
        IDLE,       //!< No socket yet
        CONNECTING, //!< Connect() called, handshake in progress
        CONNECTED,  //!< Established; frames flow in both directions
        CLOSED      //!< Ended; the closed callback has fired (or the object was disposed)
    };

    /// A frame waiting to be handed to TCP.
    struct PendingFrame
    {
        Ptr<const Packet> message; //!< The payload, as given to Send()
        Ptr<Packet> frame;         //!< Header and payload
    };

    /**
     * \param maxFrameSize largest payload a received frame may announce, in bytes
     */
    void SetMaxFrameSize(uint32_t maxFrameSize);

    /**
     * \return largest payload a received frame may announce, in bytes
     */
    uint32_t GetMaxFrameSize() const;

    /**
     * \brief Registers this connection's handlers with the socket.
     * \param socket the socket to take over
     */
    void TakeSocket(Ptr<Socket> socket);

    /// Unregisters every handler from the socket, which may outlive this object.
    void ReleaseSocketCallbacks();

    /// Hands queued frames to TCP until it is full or the queue is empty.
    void Pump();

    /**
     * \brief Hands the next piece of the head frame to TCP.
     * \return true if TCP accepted bytes
     */
    bool SendHeadPiece();

    /**
     * \brief Reads everything the socket holds into the decoder.
     * \return true if the socket reported the end of the stream (the peer's FIN)
     */
    bool ReadSocket();

    /// Delivers every complete message; reports a framing error once none is left.
    void DeliverMessages();

    /// Reads and delivers whatever the socket holds, then resumes sending.
    void Resume();

    /**
     * \brief Ends the connection and reports it to the closed callback (once).
     * \param reason why the connection ends
     */
    void Terminate(CloseReason reason);

    /**
     * \brief Records a socket error.
     * \param what what failed
     */
    void RecordSocketError(const std::string& what);

    /**
     * \param socket the socket
     */
    void HandleConnectionSucceeded(Ptr<Socket> socket);
    /**
     * \param socket the socket
     */
    void HandleConnectionFailed(Ptr<Socket> socket);
    /**
     * \param socket the socket
     */
    void HandleNormalClose(Ptr<Socket> socket);
    /**
     * \param socket the socket
     */
    void HandleErrorClose(Ptr<Socket> socket);
    /**
     * \param socket the socket
     */
    void HandleRecv(Ptr<Socket> socket);
    /**
     * \param socket the socket
     * \param available free bytes in its transmit buffer
     */
    void HandleSend(Ptr<Socket> socket, uint32_t available);

    Ptr<Socket> m_socket;               //!< The TCP socket
    State m_state;                      //!< Life-cycle state
    bool m_closeRequested;              //!< Close() was called; close once flushed
    bool m_pumping;                     //!< Pump() is on the stack (trace sinks re-enter)
    bool m_delivering;                  //!< DeliverMessages() is on the stack
    FrameDecoder m_decoder;             //!< Reassembles received frames
    std::deque<PendingFrame> m_txQueue; //!< Frames not yet fully handed to TCP
    uint32_t m_headOffset;              //!< Bytes of the head frame already handed to TCP
    TracedValue<uint64_t> m_txBacklog;  //!< Bytes in m_txQueue not yet handed to TCP
    uint64_t m_bytesSent;               //!< Bytes handed to TCP
    uint64_t m_bytesReceived;           //!< Bytes read from TCP
    std::string m_lastError;            //!< Last socket or framing error
    EventId m_resumeEvent;              //!< Initial read after Attach()

    MessageCallback m_messageCallback;     //!< Message received callback
    ConnectedCallback m_connectedCallback; //!< Connected callback
    ClosedCallback m_closedCallback;       //!< Closed callback

    TracedCallback<Ptr<const Packet>, uint32_t> m_frameSentTrace;     //!< FrameSent trace
    TracedCallback<Ptr<const Packet>, uint32_t> m_frameReceivedTrace; //!< FrameReceived trace
    TracedCallback<const std::string&> m_framingErrorTrace;           //!< FramingError trace
};

} // namespace ns3

#endif // CE_LSLM_FRAMED_CONNECTION_H
