/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_KV_FETCH_CLIENT_H
#define CE_LSLM_KV_FETCH_CLIENT_H

#include "context-assembly.h"
#include "kv-fetch-planner.h"

#include "ns3/event-id.h"
#include "ns3/framed-connection.h"
#include "ns3/kv-alignment.h"
#include "ns3/kv-receiver.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/protocol-message.h"
#include "ns3/traced-callback.h"

#include <map>
#include <memory>
#include <string>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief A CE-LSLM edge's side of its context KV fetches: it sends CONTEXT_FETCH messages,
 * decodes the KV_DATA pieces that answer them (one KvReceiver per link, which keeps the bases
 * it has received), hands each layer to its ContextAssembly, reports a failed fetch (by default
 * failing the assembly over to local computation), and learns what the planner needs: each link's
 * rate (from the inter-arrival of a fetch's pieces) and each codec's bytes per context token and
 * layer.
 */
class KvFetchClient : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    /// Fetch ids: this bit set, the edge index in bits 32..47, a counter below.
    static constexpr uint64_t FETCH_ID = uint64_t{1} << 62;

    /**
     * \param alignment the alignment the streams are decoded with
     * \param edge this edge's index (part of every fetch id)
     */
    void Configure(std::shared_ptr<const kv::KvAlignment> alignment, uint32_t edge);

    /**
     * \brief What is assumed before anything is measured.
     * \param cloud the backhaul's nominal rate and delay
     * \param neighbour an edge-edge link's nominal rate and delay
     * \param layerBytes per codec: payload bytes of one layer's message per context token
     */
    void SetNominal(const KvFetchPlanner::Link& cloud,
                    const KvFetchPlanner::Link& neighbour,
                    const std::map<std::string, double>& layerBytes);

    /**
     * \brief Ask \p link for layers [begin, end) of the assembly's context.
     * \param assembly where the layers go
     * \param link the cloud's or a neighbour's connection
     * \param source -1 for the cloud, else the neighbour's index
     * \param begin first layer
     * \param end one past the last layer
     * \param codec the codec spec
     * \param contextTokens declared tokens of the context (to learn sizes per token)
     */
    void Fetch(Ptr<ContextAssembly> assembly,
               Ptr<FramedConnection> link,
               int32_t source,
               uint32_t begin,
               uint32_t end,
               const std::string& codec,
               int64_t contextTokens);

    /// Called when a fetch fails: (the assembly it was for).
    using FailedCallback = Callback<void, Ptr<ContextAssembly>>;
    /**
     * \brief Who decides what a failed fetch's assembly does (the server's fallback policy).
     * Without one, the assembly fails over to local computation (ContextAssembly::FailOver).
     * \param callback called once per failed fetch, after the FetchFailed trace
     */
    void SetFailedCallback(FailedCallback callback);

    /**
     * \param from the connection it came on
     * \param message a message
     * \return whether it belonged to a fetch (a KV_DATA, or an ERROR answering a fetch)
     */
    bool HandleMessage(Ptr<FramedConnection> from, const ProtocolMessage& message);

    /// \param connection a link that ended: its fetches fail, its bases are forgotten
    void HandleConnectionClosed(Ptr<FramedConnection> connection);

    /// \brief The edge restarted: every fetch fails, every link's receiver is forgotten.
    void FailAll();

    /**
     * TracedCallback signature for a failed fetch.
     * \param fetch the fetch id
     * \param context its context
     * \param reason "timeout", "corrupted", "restart", "lost-link" or the cloud's error code
     */
    typedef void (*FetchFailedTracedCallback)(uint64_t fetch,
                                              uint32_t context,
                                              const std::string& reason);

    /// \return the backhaul's estimate
    const KvFetchPlanner::Link& GetCloudLink() const;
    /// \param neighbour a neighbour's index \return its link's estimate
    KvFetchPlanner::Link GetNeighbourLink(uint32_t neighbour) const;
    /// \param codec a codec spec \return expected payload bytes per layer and context token
    double GetLayerBytesPerToken(const std::string& codec) const;

    /**
     * TracedCallback signature for a KV_DATA message received: (fetch id, context, layer,
     * source: -1 the cloud or a neighbour's edge index, payload bytes).
     */
    typedef void (*KvReceivedTracedCallback)(uint64_t fetch,
                                             uint32_t context,
                                             uint32_t layer,
                                             int32_t source,
                                             uint32_t bytes);

  protected:
    void DoDispose() override;

  private:
    /// A fetch in flight.
    struct Pending
    {
        Ptr<ContextAssembly> assembly; //!< where the layers go
        Ptr<FramedConnection> link;    //!< where they come from
        int32_t source{-1};            //!< -1 the cloud, else the neighbour's index
        std::string codec;             //!< codec asked for
        int64_t contextTokens{0};      //!< declared tokens of the context
        Time firstArrival;             //!< when its first piece arrived
        uint64_t laterBytes{0};        //!< payload bytes of the pieces after the first
        uint32_t pieces{0};            //!< pieces received
        uint32_t rerequests{0};        //!< times a corrupted layer of it was asked again
        EventId timeout;               //!< Fail after Timeout without data
    };

    /**
     * \brief Send a CONTEXT_FETCH for layers [begin, end) and remember it under a new id.
     * \param fetch what it is for (assembly, link, codec, ...)
     * \param begin first layer
     * \param end one past the last layer
     * \param refresh ask as a receiver that holds nothing of these layers
     */
    void Send(Pending fetch, uint32_t begin, uint32_t end, bool refresh);
    /**
     * \brief (Re)start a fetch's timeout.
     * \param id the fetch
     * \param fetch its state
     */
    void ArmTimeout(uint64_t id, Pending& fetch);
    /**
     * \brief A fetch failed: trace it and report it (FailedCallback).
     * \param id the fetch
     * \param reason why
     */
    void Fail(uint64_t id, const std::string& reason);

    /// \brief A piece of KV arrived.
    void HandleKvData(Ptr<FramedConnection> from, const ProtocolMessage& message);
    /// \brief A fetch ended: learn the link's rate unless it failed (then report it), forget it.
    void Finish(uint64_t id, bool failed);

    std::shared_ptr<const kv::KvAlignment> m_alignment; //!< stream geometry
    uint32_t m_edge{0};                                 //!< this edge's index
    double m_smoothing;                                 //!< weight of a new measurement
    Time m_timeout;                                     //!< fail a silent fetch after this
    uint32_t m_maxRerequests{2};                        //!< re-requests of a corrupted layer
    uint64_t m_next{0};                                 //!< fetch counter
    FailedCallback m_failedCallback;                    //!< decides on failed fetches
    std::map<uint64_t, Pending> m_pending;              //!< fetches in flight
    std::map<Ptr<FramedConnection>, std::unique_ptr<kv::KvReceiver>> m_receivers; //!< per link
    KvFetchPlanner::Link m_cloud;                          //!< backhaul estimate
    KvFetchPlanner::Link m_nominalNeighbour;               //!< before any measurement
    std::map<uint32_t, KvFetchPlanner::Link> m_neighbours; //!< per neighbour estimate
    std::map<std::string, double> m_layerBytes;            //!< codec -> bytes per token
    TracedCallback<uint64_t, uint32_t, uint32_t, int32_t, uint32_t> m_receivedTrace; //!< KV in
    TracedCallback<uint64_t, uint32_t, uint32_t, int32_t, uint32_t>
        m_rerequestedTrace;                                               //!< corrupted, again
    TracedCallback<uint64_t, uint32_t, const std::string&> m_failedTrace; //!< fetch failed
};

} // namespace ns3

#endif // CE_LSLM_KV_FETCH_CLIENT_H
