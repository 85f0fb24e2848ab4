/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_CE_LSLM_HELPER_H
#define CE_LSLM_CE_LSLM_HELPER_H

#include "edge-cloud-topology-helper.h"
#include "fault-injector.h"
#include "inference-service-helper.h"
#include "request-stats-collector.h"
#include "scenario-config.h"
#include "scenario-results.h"

#include "ns3/ce-collm-edge-server.h"
#include "ns3/ce-lslm-edge-server.h"
#include "ns3/executed-model.h"
#include "ns3/inference-mode.h"
#include "ns3/kv-alignment.h"
#include "ns3/nstime.h"
#include "ns3/workload-trace.h"

#include <map>
#include <memory>
#include <ostream>
#include <string>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Builds a whole ce-lslm scenario from a ScenarioConfig: terminals, edges and cloud,
 * their links or 6G cells, the executed models and compute engines, the workload and the
 * applications of the inference mode, plus the collector of per-request results.
 *
 * \code
 *   ScenarioConfig config(ScenarioConfig::ReadDocument("my-scenario.json"), "my-scenario.json");
 *   CeLslmHelper ce(config);
 *   ce.Install();
 *   Simulator::Stop(ce.GetStopTime());
 *   Simulator::Run();
 *   ScenarioResults results = ce.Collect();
 *   Simulator::Destroy();
 * \endcode
 *
 * Install applies the configuration's TCP defaults (Config::SetDefault) but not its seed and
 * run: a program sets those itself (ScenarioRunner does, from simulation.seed and .run). The
 * helper is the ServerFactory of the mode: a model server gets its tier's device and engine
 * settings (cloud.*, edge.*, terminal.*), the executed model of its role (models.*.path) and
 * that model's declared profile (models.*.profile). Each executed model is loaded once and
 * shared by all the nodes that run it.
 */
class CeLslmHelper : public ServerFactory
{
  public:
    /// \param config the scenario
    explicit CeLslmHelper(ScenarioConfig config);

    /**
     * \brief Write messages.csv rows (call before Install).
     * \param out where, or nullptr for none
     */
    void EnableMessageTrace(std::ostream* out);

    /**
     * \brief Write radio-slots.csv rows, one per transport block (call before Install; needs
     * the radio access).
     * \param out where, or nullptr for none
     */
    void EnableRadioTrace(std::ostream* out);

    /**
     * \brief Build everything (once).
     * \throw ConfigError if a file the configuration names cannot be used (model folder,
     * workload trace), naming the key
     */
    void Install();

    /// \return the end of the arrival window (simulation.duration_s)
    Time GetArrivalWindowEnd() const;
    /// \return when the simulation should stop (duration_s + drain_s)
    Time GetStopTime() const;

    /**
     * \brief Gather the results (after Simulator::Run, before Simulator::Destroy).
     * \return the results
     */
    ScenarioResults Collect();

    /// \return the topology
    EdgeCloudTopologyHelper& GetTopology();
    /// \return the applications
    InferenceServiceHelper& GetService();
    /// \return the per-request collector
    RequestStatsCollector& GetCollector();
    /// \return the workload, or null for a synthetic one
    std::shared_ptr<const WorkloadTrace> GetWorkload() const;
    /// \return the fault injector (after Install)
    Ptr<FaultInjector> GetFaultInjector() const;

    Ptr<RequestServer> MakeModelServer(ServingTier tier, ModelRole model) const override;
    Ptr<RequestServer> MakePacedServer() const override;
    Ptr<RequestServer> MakeCeLslmServer(ServingTier tier) const override;
    Ptr<RequestServer> MakeCeCollmServer(ServingTier tier, bool standalone) const override;

    /**
     * \param path a path from the configuration
     * \param key the configuration key, for the error
     * \return \p path if it exists (relative to the working directory), else the same path
     * in the ce-lslm source tree if it exists there
     * \throw ConfigError naming \p key if neither exists
     */
    static std::string ResolvePath(const std::string& path, const std::string& key);

    /**
     * \param config a scenario
     * \return its HMAC key, as bytes: security.hmac_key decoded, or, when that is empty,
     * SHA-256 of a fixed label with simulation.seed and simulation.run (every run has its own)
     */
    static std::string HmacKey(const ScenarioConfig& config);

  private:
    /// Apply the configuration's TCP and framing defaults.
    void ConfigureTransport() const;
    /**
     * \param prefix "topology.access" or "topology.backhaul"
     * \return that link's parameters
     */
    PointToPointLinkParameters LinkParameters(const std::string& prefix) const;
    /// \return the automatic TCP buffer size: twice the largest bandwidth-delay product of the
    /// links in use (the radio's peak rate over a 10 ms round trip), from 128 KiB to 1 GiB
    uint32_t AutoBufferBytes() const;
    /// Configure the 6G radio access from topology.radio, if it is enabled.
    void ConfigureRadio();
    /// Load the workload trace and check it against the transport's frame limit.
    void LoadWorkload();
    /// Set the service's mode, workload and application attributes.
    void ConfigureService();
    /**
     * \brief Give the cloud and each edge a MessageAuthenticator (one per node: it models the
     * node's CPU) when security.authenticate is on; terminals get none.
     */
    void InstallAuthenticators();
    /// \return the authenticators' counters summed over the nodes
    SecurityResults SecurityCounters() const;
    /**
     * \param role a model role
     * \return the executed model of that role, loaded on first use
     * \throw ConfigError naming models.<role>.path if it cannot be loaded or cannot run the
     * workload
     */
    std::shared_ptr<ExecutedModel> GetModel(ModelRole role) const;
    /**
     * \return the answer store of simulation.kernel_store, opened on first use (null when the
     * key is empty)
     * \throw ConfigError naming simulation.kernel_store if the directory cannot be created
     */
    std::shared_ptr<AnswerStore> GetAnswerStore() const;
    /**
     * \brief Give a server's engine its tier's device and settings and the role's declared
     * model.
     * \param engine the engine
     * \param tier the server's tier
     * \param role the model it runs
     * \throw ConfigError if the declared model does not fit the device
     */
    void ConfigureEngine(Ptr<ComputeEngine> engine, ServingTier tier, ModelRole role) const;
    /**
     * \brief Give a server's engine its tier's device and settings and a declared model.
     * \param engine the engine
     * \param tier the server's tier
     * \param declared the declared model it prices
     * \param key the configuration key that chose it, for the error
     * \throw ConfigError naming \p key if the declared model does not fit the device
     */
    void ConfigureEngine(Ptr<ComputeEngine> engine,
                         ServingTier tier,
                         const ModelProfile& declared,
                         const std::string& key) const;
    /**
     * \param role a model role
     * \return the declared model of that role (models.<role>.profile)
     */
    ModelProfile DeclaredProfile(ModelRole role) const;
    /// \brief Set the terminals' and edges' recovery attributes from the recovery section.
    void ConfigureRecovery();
    /**
     * \brief Set a mode server's fallback attributes from the recovery section.
     * \param server a CeLslmEdgeServer, a CeCollmEdgeServer, or a ContextKvServer (which gets
     *        an answerer when edges fall back to the cloud)
     */
    void ConfigureFallback(Ptr<RequestServer> server) const;
    /**
     * \brief Schedule the faults section's faults on the installed scenario.
     * \throw ConfigError naming the key of a fault the scenario cannot have
     */
    void InstallFaults();
    /**
     * \return summary.json's faults section: counts by type, what the faults did (effects)
     * and every fault (type, edge, start_s, end_s)
     */
    ConfigJson FaultsJson() const;
    /// \brief Configure a CE-CoLLM edge server from the ce_collm section.
    void ConfigureCeCollmEdge(Ptr<CeCollmEdgeServer> server, bool standalone) const;
    /**
     * \return the KV alignment of ce_lslm.alignment, loaded on first use and checked against
     * both models
     * \throw ConfigError naming the key if it cannot be used
     */
    std::shared_ptr<const kv::KvAlignment> GetAlignment() const;
    /// \return the ce-lslm mode's counters (cloud prefills, store hits and misses), or null
    ConfigJson CeLslmCounters() const;
    /// \return the context caches of the model servers (ModelServer::ContextCacheBytes) per
    /// tier: hits, misses, evictions and budget; tiers without one are left out
    ConfigJson ContextCacheCounters() const;
    /// \brief Configure a CE-LSLM edge server from the ce_lslm section and the topology.
    void ConfigureCeLslmEdge(Ptr<CeLslmEdgeServer> server) const;
    /**
     * \param codecs codec specs
     * \return per codec, the payload bytes one layer's message takes per declared context
     * token, measured on the executed models with the first context of the workload
     */
    std::map<std::string, double> MeasureLayerBytes(const std::vector<std::string>& codecs) const;

    ScenarioConfig m_config;                         //!< the scenario
    EdgeCloudTopologyHelper m_topology;              //!< nodes and links
    InferenceServiceHelper m_service;                //!< applications
    RequestStatsCollector m_collector;               //!< per-request results
    std::shared_ptr<const WorkloadTrace> m_workload; //!< trace workload (or null)
    std::ostream* m_radioTrace{nullptr};             //!< radio-slots.csv, if enabled
    Ptr<FaultInjector> m_faults;                     //!< the faults section, installed
    bool m_installed{false};                         //!< Install done
    mutable std::map<ModelRole, std::shared_ptr<ExecutedModel>> m_models; //!< loaded models
    mutable std::shared_ptr<AnswerStore> m_answerStore;         //!< simulation.kernel_store, if set
    mutable std::shared_ptr<const kv::KvAlignment> m_alignment; //!< ce-lslm mode
    mutable std::map<std::string, double> m_layerBytes;         //!< measured once
};

} // namespace ns3

#endif // CE_LSLM_CE_LSLM_HELPER_H
