/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SCENARIO_RESULTS_H
#define CE_LSLM_SCENARIO_RESULTS_H

#include "request-stats-collector.h"
#include "scenario-config.h"

#include "ns3/nstime.h"

#include <array>
#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Message authentication over a run, summed over the edges and the cloud.
 */
struct SecurityResults
{
    bool authenticated{false};    //!< security.authenticate was on
    uint64_t messagesTagged{0};   //!< messages sent with a tag
    uint64_t messagesVerified{0}; //!< received frames found authentic
    uint64_t rejectedForged{0};   //!< received frames dropped for a wrong tag
    uint64_t rejectedReplayed{0}; //!< received frames dropped for a stale sequence number
    double edgeS{0};              //!< CPU time the edges spent on tags and checks, in s
    double cloudS{0};             //!< CPU time the cloud spent on tags and checks, in s
};

/**
 * \ingroup ce-lslm
 * \brief Everything one scenario run produced, ready to be summarized and written.
 */
struct ScenarioResults
{
    ScenarioConfig config;               //!< the resolved configuration
    std::vector<RequestRecord> requests; //!< in issue order
    std::array<LinkCounters, RequestStatsCollector::LINK_COUNT> links; //!< per link class
    uint64_t protocolErrors{0}; //!< malformed or unexpected messages seen by any application
    uint64_t issuedRequests{0}; //!< requests the terminals say they issued (checks the records)
    Time arrivalWindowEnd;      //!< end of the arrival window (simulation.duration_s)
    Time end;                   //!< simulated time when the run stopped
    double edgeComputeS{0};     //!< busy time of the edge servers' compute engines, in s
    double cloudComputeS{0};    //!< busy time of the cloud's compute engine, in s
    double terminalComputeS{0}; //!< busy time of the terminals' compute engines, in s
    ConfigJson ceLslm;          //!< ce-lslm mode: its store and prefill counters (null otherwise)
    ConfigJson contextCaches;   //!< the model servers' context caches, per tier
    ConfigJson faults;          //!< the faults injected and what they did (FaultsJson)
    SecurityResults security;   //!< message authentication counters
};

} // namespace ns3

#endif // CE_LSLM_SCENARIO_RESULTS_H
