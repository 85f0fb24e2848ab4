/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_FAULT_INJECTOR_H
#define CE_LSLM_FAULT_INJECTOR_H

#include "edge-cloud-topology-helper.h"
#include "inference-service-helper.h"

#include "ns3/error-model.h"
#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief One fault: what goes wrong, where, from when and for how long.
 */
struct FaultEvent
{
    /// What goes wrong.
    enum Type
    {
        RADIO_BLOCKAGE, //!< every radio link of the edge's cell loses BlockageLoss dB
        RADIO_OUTAGE,   //!< the edge's access links carry nothing
        BACKHAUL_LOSS,  //!< the edge's backhaul loses packets with BackhaulLossRate (a burst)
        BACKHAUL_DOWN,  //!< the edge's backhaul carries nothing (link down, then up)
        EDGE_CRASH,     //!< the edge's server process crashes, restarting at the end
        CLOUD_OVERLOAD, //!< the cloud refuses new work with probability OverloadRefusal
        KV_CORRUPTION,  //!< the cloud's KV messages are corrupted with probability KvCorruption
        FORGERY,        //!< an attacker injects a forged message on the edge's backhaul
                        //!< connection every AttackInterval
        REPLAY          //!< an attacker replays the edge's last message to the cloud every
                        //!< AttackInterval
    };

    Type type{RADIO_OUTAGE}; //!< what
    int32_t edge{-1};        //!< which edge (-1: every edge; ignored by cloud faults)
    Time start;              //!< when it begins
    Time duration;           //!< how long it lasts

    /// \return the type's name in configurations ("edge-crash", ...)
    std::string GetTypeName() const;
    /**
     * \param name a type's name
     * \param type receives the type
     * \return whether \p name names a type
     */
    static bool ParseType(const std::string& name, Type& type);
    /// \return every type's name, in enum order
    static std::vector<std::string> TypeNames();
};

/**
 * \ingroup ce-lslm
 * \brief Injects faults into an installed scenario at their times: radio blockage and outage,
 * backhaul loss bursts and link down/up, edge crashes and restarts, cloud overload (admission
 * refusals) and corrupted KV messages.
 *
 * Faults come from a schedule (ParseSchedule, AddEvent) or at random (AddRandom: Poisson
 * arrivals of faults of the given types, exponential durations, a uniformly drawn edge).
 * Overlapping faults of one kind at one place nest: the fault ends when the last of them
 * does. Each start and end fires the "Fault" trace source; GetEvents lists every fault for the
 * results. The injector only touches what a fault needs: a scenario without faults runs
 * exactly as without the injector.
 */
class FaultInjector : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    FaultInjector();
    ~FaultInjector() override;

    /**
     * \brief Parse a fault schedule: entries `TYPE@START+DURATION[:EDGE]` separated by ';'
     * (times in s; EDGE an edge index, absent for every edge), e.g.
     * `edge-crash@2+1.5:0; backhaul-down@4+0.5`.
     * \param text the schedule
     * \return its events
     * \throw std::invalid_argument naming the entry that is not valid
     */
    static std::vector<FaultEvent> ParseSchedule(const std::string& text);

    /**
     * \brief Attach to an installed scenario (before AddEvent or AddRandom).
     * \param topology its nodes and links
     * \param service its applications
     */
    void Install(const EdgeCloudTopologyHelper& topology, const InferenceServiceHelper& service);

    /**
     * \brief Schedule a fault.
     * \param event the fault
     * \throw std::invalid_argument for an edge the scenario does not have, or a radio blockage
     * without radio access
     */
    void AddEvent(const FaultEvent& event);

    /**
     * \brief Schedule random faults in [begin, end): Poisson arrivals at \p ratePerS, each of a
     * type drawn uniformly from \p types, at a uniformly drawn edge, lasting an exponential
     * time of mean \p meanDuration.
     * \param types the types to draw from (not empty)
     * \param ratePerS faults per s (> 0)
     * \param meanDuration mean duration
     * \param begin first possible start
     * \param end no fault starts at or after this
     */
    void AddRandom(const std::vector<FaultEvent::Type>& types,
                   double ratePerS,
                   Time meanDuration,
                   Time begin,
                   Time end);

    /**
     * \brief Assign fixed random variable streams, for reproducible runs.
     * \param stream first stream index to use
     * \return the number of stream indices used
     */
    int64_t AssignStreams(int64_t stream);

    /// \return every fault scheduled, in the order added
    const std::vector<FaultEvent>& GetEvents() const;

    /**
     * \return what the faults did, counted from the nodes' trace sources: "cloud_refusals",
     * "kv_corrupted", "kv_rerequested", "fetches_failed", "edge_crashes", "edge_restarts"
     */
    std::map<std::string, uint64_t> GetEffects() const;

    /**
     * TracedCallback signature for a fault starting or ending.
     * \param type the fault's type name
     * \param edge the edge (-1: every edge, or the cloud)
     * \param begins true when it starts, false when it ends
     */
    typedef void (*FaultTracedCallback)(const std::string& type, int32_t edge, bool begins);

  protected:
    void DoDispose() override;

  private:
    /**
     * \brief A fault starts or ends at one place.
     * \param type what
     * \param edge where (-1 for the cloud)
     * \param begins starts (true) or ends (false)
     */
    void Apply(FaultEvent::Type type, int32_t edge, bool begins);
    /// \brief Set the drop rate of every error model of \p edge's backhaul (both ends).
    void UpdateBackhaul(uint32_t edge);
    /// \brief Apply the blockage and outage state of \p edge's access links.
    void UpdateAccess(uint32_t edge);
    /**
     * \brief One attack on \p edge's backhaul connection (towards the cloud), then the next
     * one after AttackInterval while the fault lasts.
     * \param type FORGERY or REPLAY
     * \param edge the edge
     */
    void Attack(FaultEvent::Type type, uint32_t edge);
    /**
     * \param devices link devices
     * \param rate packet drop probability to give their receive error models (created on use)
     */
    void SetDropRate(const NetDeviceContainer& devices, double rate);
    /**
     * \param event a fault
     * \return the edges it happens at
     */
    std::vector<uint32_t> Places(const FaultEvent& event) const;
    /**
     * \param type a fault type
     * \param edge a place
     * \return how many faults of that type are active there
     */
    uint32_t& Active(FaultEvent::Type type, int32_t edge);
    /**
     * \brief Count one effect.
     * \param what its name in GetEffects
     */
    void Count(std::string what);
    /// \brief Connect the trace sources whose events GetEffects counts.
    void ConnectEffects();

    /**
     * \brief Trace sink that counts: any trace signature, the effect's name bound.
     * \param self the injector
     * \param what the effect's name
     */
    template<typename... Args>
    static void CountEffect(FaultInjector* self, std::string what, Args... /* traced */)
    {
        self->Count(what);
    }

    /**
     * \param what an effect's name
     * \return a sink for a trace source of signature void (Args...) that counts \p what
     */
    template<typename... Args>
    Callback<void, Args...> Counter(const char* what)
    {
        return MakeBoundCallback(&FaultInjector::CountEffect<Args...>, this, std::string(what));
    }

    // Attributes
    double m_backhaulLossRate; //!< packet loss probability during BACKHAUL_LOSS
    double m_blockageLossDb;   //!< extra path loss during RADIO_BLOCKAGE, in dB
    double m_overloadRefusal;  //!< refusal probability during CLOUD_OVERLOAD
    double m_kvCorruption;     //!< corruption probability during KV_CORRUPTION
    Time m_attackInterval;     //!< time between two injected messages during an attack

    // State
    const EdgeCloudTopologyHelper* m_topology{nullptr};          //!< the installed topology
    const InferenceServiceHelper* m_service{nullptr};            //!< the installed applications
    std::vector<FaultEvent> m_events;                            //!< every fault
    std::map<std::pair<int, int32_t>, uint32_t> m_active;        //!< (type, edge) -> active faults
    std::map<Ptr<NetDevice>, Ptr<RateErrorModel>> m_errorModels; //!< created on use
    std::map<Ptr<NetDevice>, double> m_baseRate;                 //!< a lossy link's own loss rate
    std::map<std::string, uint64_t> m_effects;                   //!< what the faults did
    std::map<std::pair<int, uint32_t>, EventId> m_attacks;       //!< (type, edge) -> next attack
    int64_t m_errorStream{-1};                 //!< next stream for an error model (-1: none)
    Ptr<ExponentialRandomVariable> m_gap;      //!< random faults: time between two
    Ptr<ExponentialRandomVariable> m_duration; //!< random faults: duration
    Ptr<UniformRandomVariable> m_pick;         //!< random faults: type and edge
    Ptr<UniformRandomVariable> m_refusals;     //!< cloud overload draws
    Ptr<UniformRandomVariable> m_corruptions;  //!< KV corruption draws

    TracedCallback<const std::string&, int32_t, bool> m_faultTrace; //!< a fault starts or ends
};

} // namespace ns3

#endif // CE_LSLM_FAULT_INJECTOR_H
