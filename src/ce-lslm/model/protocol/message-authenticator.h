/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_MESSAGE_AUTHENTICATOR_H
#define CE_LSLM_MESSAGE_AUTHENTICATOR_H

#include "hmac-sha256.h"

#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/packet.h"
#include "ns3/ptr.h"

#include <cstdint>
#include <optional>
#include <string>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief HMAC-SHA256 message authentication for one node, and the CPU time it costs there.
 *
 * A FramedConnection given an authenticator (FramedConnection::SetAuthenticator) appends a
 * trailer to every message it sends: a 64-bit sequence number and the HMAC-SHA256 tag of
 * (direction label, sequence number, message). The receiver recomputes the tag and checks that
 * the sequence number is the next one expected, so a frame altered or injected by an on-path
 * attacker without the key, a frame replayed on the connection, and a frame reflected back to
 * its sender (other direction label) are all rejected.
 *
 * One authenticator models one CPU: every tag computed or checked through it is charged to a
 * single first-come-first-served queue, so the connections that share it (all the
 * authenticated connections of a node) add up their work. The time of one tag or check is
 * PerMessageTime + hashed bytes / BytesPerSecond, where the hashed bytes are the label, the
 * sequence number and the message. This CPU is the node's host processor, not the
 * accelerator that runs the language model (ComputeEngine), so the two do not queue behind
 * each other. The time depends only on these attributes, never on how fast the host running
 * the simulation computes the real tag.
 */
class MessageAuthenticator : public Object
{
  public:
    /// Bytes of the sequence number in the trailer.
    static constexpr uint32_t SEQUENCE_BYTES = 8;
    /// Bytes of the tag in the trailer: the full HMAC-SHA256 output, not truncated.
    static constexpr uint32_t TAG_BYTES = Sha256::DIGEST_BYTES;
    /// Bytes an authenticated frame carries after its message.
    static constexpr uint32_t TRAILER_BYTES = SEQUENCE_BYTES + TAG_BYTES;
    /// Bytes of each direction label hashed before the sequence number.
    static constexpr uint32_t LABEL_BYTES = 16;

    /// Which way a frame travels on its connection; each way has its own label and sequence.
    enum Direction
    {
        FROM_INITIATOR, //!< Sent by the side that called Connect()
        FROM_RESPONDER  //!< Sent by the side that accepted the connection
    };

    /// What a receiver concluded about a frame.
    enum Verdict
    {
        AUTHENTIC, //!< Right tag and the next sequence number: delivered
        FORGED,    //!< Wrong tag (altered, injected, reflected or wrong key): dropped
        REPLAYED   //!< Right tag but not the next sequence number: dropped
    };

    /// Result of Open().
    struct Opened
    {
        Verdict verdict;   //!< what the frame is
        uint64_t sequence; //!< the sequence number it carries
        Time delay;        //!< from now until the check is done (CPU queue included)
    };

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    MessageAuthenticator();

    /**
     * \param verdict a verdict
     * \return its name as used by traces and logs: "authentic", "forged" or "replayed"
     */
    static std::string VerdictName(Verdict verdict);

    /**
     * \brief Set the secret key shared by the nodes (before the first frame).
     * \param key the key bytes (not empty; RFC 2104 recommends at least 32 bytes for SHA-256)
     */
    void SetKey(const std::string& key);

    /// \return whether a key was set
    bool HasKey() const;

    /**
     * \brief Build the trailer of a frame, with no cost charged and nothing counted.
     * \param direction the direction the frame travels
     * \param sequence its sequence number
     * \param message the message it carries
     * \return the trailer (SEQUENCE_BYTES + TAG_BYTES)
     */
    Ptr<Packet> MakeTrailer(Direction direction, uint64_t sequence, Ptr<const Packet> message);

    /**
     * \brief Tag an outgoing message: build its trailer, count it and charge its cost to this
     * node's CPU.
     * \param direction the direction the frame travels
     * \param sequence its sequence number
     * \param message the message
     * \param[out] delay from now until the tag is computed (CPU queue included)
     * \return the trailer
     */
    Ptr<Packet> Seal(Direction direction,
                     uint64_t sequence,
                     Ptr<const Packet> message,
                     Time& delay);

    /**
     * \brief Check a received frame payload, count the verdict, charge the check's cost, and
     * strip the trailer.
     * \param direction the direction the frame travelled
     * \param expected the sequence number expected next in that direction
     * \param payload the frame payload (message and trailer); on return the message alone
     * \return the verdict, the sequence number read and the check's delay; a payload shorter
     * than the trailer is FORGED
     */
    Opened Open(Direction direction, uint64_t expected, Ptr<Packet> payload);

    /**
     * \param messageBytes size of a message
     * \return the CPU time to tag or check it, excluding queueing
     */
    Time GetCost(uint32_t messageBytes) const;

    /// \return messages tagged by Seal()
    uint64_t GetTagged() const;
    /// \return received frames found authentic
    uint64_t GetVerified() const;
    /// \return received frames rejected as forged
    uint64_t GetForged() const;
    /// \return received frames rejected as replayed
    uint64_t GetReplayed() const;
    /// \return total CPU time charged (tags and checks), excluding queueing
    Time GetChargedTime() const;

  private:
    /**
     * \brief Queue work on this node's CPU.
     * \param cost the work's CPU time
     * \return from now until the work is done
     */
    Time Charge(Time cost);

    /**
     * \param direction the direction a frame travels
     * \param sequence its sequence number
     * \param message the bytes of its message
     * \param size how many
     * \return the tag over label, sequence number and message
     */
    HmacSha256::Tag ComputeTag(Direction direction,
                               uint64_t sequence,
                               const uint8_t* message,
                               std::size_t size);

    double m_bytesPerSecond;          //!< hashing throughput, in bytes per second
    Time m_perMessageTime;            //!< fixed cost of one tag or check
    std::optional<HmacSha256> m_hmac; //!< keyed MAC (empty until SetKey)
    Time m_busyUntil;                 //!< when the CPU finishes the work queued so far
    Time m_charged;                   //!< total CPU time charged
    uint64_t m_tagged{0};             //!< messages tagged
    uint64_t m_verified{0};           //!< frames found authentic
    uint64_t m_forged{0};             //!< frames rejected as forged
    uint64_t m_replayed{0};           //!< frames rejected as replayed
};

} // namespace ns3

#endif // CE_LSLM_MESSAGE_AUTHENTICATOR_H
