/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_REQUEST_RECORD_H
#define CE_LSLM_REQUEST_RECORD_H

#include "ns3/ce-collm-record.h"
#include "ns3/nstime.h"
#include "ns3/request-quality.h"

#include <cstdint>
#include <optional>
#include <string>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief What happened to one request: one row of requests.csv.
 */
struct RequestRecord
{
    /// How a request ended.
    enum Outcome
    {
        PENDING,   //!< still running
        COMPLETED, //!< the last token arrived
        FAILED     //!< ended without its answer (see failureReason)
    };

    uint64_t id{0};                        //!< request id (terminal id << 32 | sequence)
    uint32_t terminal{0};                  //!< terminal index
    uint32_t edge{0};                      //!< index of the edge serving the terminal
    uint32_t promptTokens{0};              //!< prompt length, in tokens
    uint32_t answerTokens{0};              //!< answer length asked for, in tokens
    uint32_t tokensReceived{0};            //!< answer tokens that reached the terminal
    Time issued;                           //!< when the terminal issued it
    std::optional<Time> firstToken;        //!< when the first token arrived
    std::optional<Time> lastToken;         //!< when the latest token arrived
    std::optional<Time> ended;             //!< when it completed or failed
    Outcome outcome{PENDING};              //!< how it ended
    std::string failureReason;             //!< why it failed ("" unless FAILED)
    std::string fallback;                  //!< how it was answered instead ("" for no fallback)
    uint32_t retries{0};                   //!< times the terminal sent it again
    uint32_t tcpRetransmissions{0};        //!< TCP segments sent again on its connections
    uint64_t uplinkBytes{0};               //!< bytes the terminal sent for it (frames)
    uint64_t downlinkBytes{0};             //!< bytes the edge sent to the terminal for it (frames)
    uint64_t backhaulBytes{0};             //!< bytes sent between edge and cloud for it, both ways
    std::optional<uint32_t> item;          //!< workload item (trace workloads)
    std::optional<uint32_t> context;       //!< context it names (trace workloads)
    std::string servedBy;                  //!< tier that answers it ("cloud", "edge", "terminal")
    std::string executedModel{"none"};     //!< executed model that answers it ("none": no model)
    std::string declaredProfile{"none"};   //!< declared profile whose cost is simulated
    std::optional<Time> queueing;          //!< waited in the compute engine before admission
    std::optional<Time> admitted;          //!< when its (first) job was admitted
    std::optional<Time> compute;           //!< from admission to its last job's end
    std::optional<RequestQuality> quality; //!< answer quality, when a model answered
    std::string kvPlan;                    //!< ce-lslm: planned, joined or store ("" otherwise)
    std::optional<uint32_t> localLayers;   //!< ce-lslm: context layers computed at the edge
    std::optional<int32_t> kvNeighbour;    //!< ce-lslm: neighbour serving layers (-1: none)
    std::string kvCodec;                   //!< ce-lslm: codec of the cloud's layers
    std::optional<CeCollmRecord> collm;    //!< ce-collm modes: exits, uploads, cloud work

    /// \return time to first token, if a token arrived
    std::optional<Time> GetTtft() const;
    /// \return mean time per output token after the first, if completed with >= 2 tokens
    std::optional<Time> GetTpot() const;
    /// \return end-to-end latency, if completed
    std::optional<Time> GetE2e() const;
    /**
     * \param outcome an outcome
     * \return its name in requests.csv ("completed", "failed", "pending")
     */
    static std::string OutcomeName(Outcome outcome);
    /**
     * \return the outcome as counted in summary.json's requests.by_outcome and written to
     * requests.csv: "completed", "completed_fallback", "failed" or "pending"
     */
    std::string GetOutcomeLabel() const;
    /**
     * \param deadline the workload's deadline (0: none)
     * \return whether it completed (with or without fallback) within \p deadline of its issue
     */
    bool IsCompletedWithin(Time deadline) const;
};

} // namespace ns3

#endif // CE_LSLM_REQUEST_RECORD_H
