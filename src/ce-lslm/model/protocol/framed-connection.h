/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_FRAMED_CONNECTION_H
#define CE_LSLM_FRAMED_CONNECTION_H

#include "frame-decoder.h"
#include "message-authenticator.h"
#include "tcp-event-probe.h"

#include "ns3/address.h"
#include "ns3/callback.h"
#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/packet.h"
#include "ns3/ptr.h"
#include "ns3/socket.h"
#include "ns3/traced-callback.h"
#include "ns3/traced-value.h"

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

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
 *
 * With a MessageAuthenticator (SetAuthenticator), every frame also carries a sequence number
 * and an HMAC-SHA256 tag after its message (the frame header's length covers both):
 *
 * \verbatim
   | FrameHeader (6) | message (n) | sequence number (8, big endian) | tag (32) |
   \endverbatim
 *
 * The tag covers a direction label (initiator to responder or back), the sequence number and
 * the message. Each direction numbers its frames from 0. A received frame whose tag is wrong
 * ("forged") or whose sequence number is not the next one expected ("replayed") is dropped,
 * counted by the authenticator and reported on the "MessageRejected" trace source; the
 * connection stays open, since the framing is intact. Computing a tag delays the frame's
 * transmission, and checking one delays its delivery, by the time the authenticator's CPU
 * model charges. Both ends need an authenticator with the same key.
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
     * TracedCallback signature for TCP retransmissions.
     * \param [in] bytes payload bytes of the segment sent again
     */
    typedef void (*RetransmissionTracedCallback)(uint32_t bytes);

    /**
     * TracedCallback signature for framing errors.
     * \param [in] error description of the error, naming the stream offset
     */
    typedef void (*FramingErrorTracedCallback)(const std::string& error);

    /**
     * TracedCallback signature for authenticated frames that were dropped or injected.
     * \param [in] message the message the frame carried (without header and trailer)
     * \param [in] what why it was dropped ("forged", "replayed") or what was injected
     */
    typedef void (*AuthenticationTracedCallback)(Ptr<const Packet> message,
                                                 const std::string& what);

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
     * \brief Authenticate every frame of this connection (call before Connect() or Attach(),
     * or in a FramedListener's accept callback, which runs before Attach()).
     *
     * The peer must authenticate with the same key. Several connections may share one
     * authenticator: they then share its CPU time and its counters.
     *
     * \param authenticator the node's authenticator, with its key set
     */
    void SetAuthenticator(Ptr<MessageAuthenticator> authenticator);

    /// \return the authenticator, or null when frames are not authenticated
    Ptr<MessageAuthenticator> GetAuthenticator() const;

    /**
     * \return bytes a frame adds to its message on the wire: the frame header, plus the
     * sequence number and tag when authenticated
     */
    uint32_t GetFrameOverhead() const;

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
     * \brief Attack hook: inject \p message as an on-path attacker without the key would,
     * with the sequence number the peer expects next and a wrong tag.
     *
     * The peer rejects it as forged (if it authenticates; without an authenticator the
     * message is simply sent, as an attacker's message would be accepted). Nothing is counted
     * or charged here and the sequence does not advance; the "FrameInjected" trace source
     * fires when the frame has been handed to TCP, "FrameSent" does not. Ignored (with a
     * warning) before Connect() or Attach() and once the connection is closing or closed.
     *
     * \param message the message to inject
     */
    void SendForged(Ptr<const Packet> message);

    /**
     * \brief Attack hook: send the last frame that Send() queued again, byte for byte, as an
     * on-path attacker replaying a recorded frame would.
     *
     * An authenticating peer rejects it as replayed. Nothing is counted or charged here; the
     * "FrameInjected" trace source fires when the frame has been handed to TCP.
     *
     * \return false (and nothing is sent) if Send() queued no frame yet or the connection is
     * closing or closed
     */
    bool ReplayLastFrame();

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
     * \return true once the connection has ended or Close() was called: messages sent now are
     * dropped
     */
    bool IsClosed() const;

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
        Ptr<Packet> frame;         //!< Header, payload and trailer (if authenticated)
        Time ready;                //!< When its tag is computed and it may go
        std::string injected;      //!< What an attack hook injected ("" for Send())
    };

    /// A received frame waiting for its check to finish.
    struct ReceivedFrame
    {
        Ptr<Packet> message;                   //!< The message, trailer removed
        uint32_t frameBytes;                   //!< Size of the whole frame on the wire
        Time ready;                            //!< When its check is done
        MessageAuthenticator::Verdict verdict; //!< Deliver it, or why not
    };

    /**
     * \brief Queue a frame for TCP and hand as much as possible to it.
     * \param frame the frame
     */
    void Enqueue(const PendingFrame& frame);

    /**
     * \return the direction of the frames this side sends (Connect() sends as the initiator)
     */
    MessageAuthenticator::Direction TxDirection() const;

    /**
     * \param maxFrameSize largest payload a received frame may announce, in bytes
     */
    void SetMaxFrameSize(uint32_t maxFrameSize);

    /**
     * \return largest payload a received frame may announce, in bytes
     */
    uint32_t GetMaxFrameSize() const;

    /**
     * \brief Registers this connection's handlers with the socket, and tags the messages sent
     * before this side's direction was known.
     * \param socket the socket to take over
     * \param initiator whether this side connects (else it was accepted)
     */
    void TakeSocket(Ptr<Socket> socket, bool initiator);

    /// Cancels every pending event, empties the queues, drops the callbacks: CLOSED, silently.
    void DropState();

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

    /// Checks every complete frame and delivers those checked by now.
    void DeliverMessages();

    /**
     * \brief Delivers (or drops) the received frames whose check is done, in order; reports a
     * framing error or the peer's close once none is left.
     */
    void DeliverReady();

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

    Ptr<Socket> m_socket;                //!< The TCP socket
    State m_state;                       //!< Life-cycle state
    bool m_closeRequested;               //!< Close() was called; close once flushed
    bool m_pumping;                      //!< Pump() is on the stack (trace sinks re-enter)
    bool m_delivering;                   //!< DeliverMessages() is on the stack
    FrameDecoder m_decoder;              //!< Reassembles received frames
    std::deque<PendingFrame> m_txQueue;  //!< Frames not yet fully handed to TCP
    uint32_t m_headOffset;               //!< Bytes of the head frame already handed to TCP
    TracedValue<uint64_t> m_txBacklog;   //!< Bytes in m_txQueue not yet handed to TCP
    uint64_t m_bytesSent;                //!< Bytes handed to TCP
    uint64_t m_bytesReceived;            //!< Bytes read from TCP
    std::string m_lastError;             //!< Last socket or framing error
    EventId m_resumeEvent;               //!< Initial read after Attach()
    EventId m_txReadyEvent;              //!< Pump when the head frame's tag is computed
    EventId m_rxReadyEvent;              //!< Deliver when the next frame's check is done
    bool m_peerFinished;                 //!< Peer's FIN read; close once m_rxQueue is empty
    std::deque<ReceivedFrame> m_rxQueue; //!< Received frames, in order, being checked

    Ptr<MessageAuthenticator> m_authenticator; //!< Tags and checks frames (or null)
    bool m_initiator;                          //!< This side called Connect()
    uint64_t m_txSequence;                     //!< Sequence number of the next frame sent
    uint64_t m_rxSequence;                     //!< Sequence number expected next
    PendingFrame m_lastFrame;                  //!< Last frame Send() queued, for replay
    /// Messages sent before Connect() or Attach(), when the direction label was unknown
    std::vector<Ptr<const Packet>> m_untagged;

    MessageCallback m_messageCallback;     //!< Message received callback
    ConnectedCallback m_connectedCallback; //!< Connected callback
    ClosedCallback m_closedCallback;       //!< Closed callback

    TracedCallback<Ptr<const Packet>, uint32_t> m_frameSentTrace;     //!< FrameSent trace
    TracedCallback<Ptr<const Packet>, uint32_t> m_frameReceivedTrace; //!< FrameReceived trace
    TracedCallback<const std::string&> m_framingErrorTrace;           //!< FramingError trace
    TracedCallback<uint32_t> m_tcpRetransmissionTrace;                //!< TcpRetransmission
    TracedCallback<> m_tcpTimeoutTrace;                               //!< TcpTimeout trace
    Ptr<TcpEventProbe> m_tcpProbe; //!< watches the socket's loss recovery (null: not TCP)
    /// MessageRejected trace
    TracedCallback<Ptr<const Packet>, const std::string&> m_messageRejectedTrace;
    /// FrameInjected trace
    TracedCallback<Ptr<const Packet>, const std::string&> m_frameInjectedTrace;
};

} // namespace ns3

#endif // CE_LSLM_FRAMED_CONNECTION_H
