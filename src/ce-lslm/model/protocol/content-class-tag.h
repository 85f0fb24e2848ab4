/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_CONTENT_CLASS_TAG_H
#define CE_LSLM_CONTENT_CLASS_TAG_H

#include "ns3/packet.h"
#include "ns3/tag.h"

#include <cstdint>
#include <map>
#include <string>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief A byte tag naming what kind of content the tagged bytes of a protocol message are,
 * so that what crosses a link can be audited (e.g. the CE-LSLM privacy invariant: no query
 * or output byte on the edge-cloud link).
 *
 * Every Make*Message function tags its whole message (headers and payload). Byte tags follow
 * the bytes through TCP segmentation and the receiver's framing, so a relayed message keeps
 * its class, and a device's PhyTxEnd packet tells which classes its bytes belong to. The tag
 * is simulation metadata: it adds no byte to any packet.
 *
 * It costs memory, though: ns-3.37's TCP keeps every byte tag of a packet on each fragment and
 * merges the lists when it rebuilds segments, so under packet loss (retransmissions) the tag
 * lists grow with every retransmission. Scenarios therefore tag only when asked
 * (output.content_tags, SetEnabled); tagging is on by default for programs that build messages
 * themselves.
 */
class ContentClassTag : public Tag
{
  public:
    /// What the bytes are.
    enum ContentClass : uint8_t
    {
        CONTROL = 0, //!< headers only, ids, counts, codec specs: no user content
        QUERY = 1,   //!< a REQUEST: the user's query text
        OUTPUT = 2,  //!< a TOKEN: answer text
        KV = 3,      //!< KV_DATA: keys and values of a shared context
        HIDDEN = 4   //!< HIDDEN_STATE: hidden states of a request's positions (derived from its
                     //!< query and answer)
    };

    ContentClassTag();
    /// \param contentClass the class of the tagged bytes
    explicit ContentClassTag(ContentClass contentClass);

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;
    uint32_t GetSerializedSize() const override;
    void Serialize(TagBuffer buffer) const override;
    void Deserialize(TagBuffer buffer) override;
    void Print(std::ostream& os) const override;

    /// \return the class
    ContentClass GetContentClass() const;

    /**
     * \param contentClass a class
     * \return its lower-case name ("control", "query", "output", "kv",
     * "hidden")
     */
    static std::string ClassName(ContentClass contentClass);

    /**
     * \brief Tag every byte of \p packet with \p contentClass.
     * \param packet a message
     * \param contentClass its class
     */
    static void Mark(Ptr<Packet> packet, ContentClass contentClass);

    /**
     * \brief Turn tagging on or off for every message made from now on (process-wide, like
     * Packet::EnablePrinting).
     * \param enabled whether Mark tags
     */
    static void SetEnabled(bool enabled);
    /// \return whether Mark tags
    static bool IsEnabled();

    /**
     * \param packet any packet (e.g. a TCP segment with its IP header, from a device trace)
     * \return the bytes of each content class the packet's byte tags cover (bytes no tag
     * covers, such as TCP/IP headers, are not counted)
     */
    static std::map<ContentClass, uint32_t> Count(Ptr<const Packet> packet);

  private:
    uint8_t m_class; //!< ContentClass
};

} // namespace ns3

#endif // CE_LSLM_CONTENT_CLASS_TAG_H
