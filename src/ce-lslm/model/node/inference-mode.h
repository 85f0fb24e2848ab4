/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_INFERENCE_MODE_H
#define CE_LSLM_INFERENCE_MODE_H

#include "request-server.h"

#include "ns3/object.h"

#include <string>
#include <vector>

namespace ns3
{

/// \ingroup ce-lslm
/// The tiers of the topology: terminal -> edge -> cloud.
enum ServingTier
{
    TIER_TERMINAL, //!< the user's device
    TIER_EDGE,     //!< the edge server at the base station
    TIER_CLOUD     //!< the cloud
};

/**
 * \param tier a tier
 * \return its lower-case name ("terminal", "edge", "cloud")
 */
std::string ServingTierName(ServingTier tier);

/// \ingroup ce-lslm
/// The two executed models of a run.
enum class ModelRole
{
    LLM, //!< the cloud's large model
    SLM  //!< the edge's small model
};

/**
 * \ingroup ce-lslm
 * \brief Builds the servers a mode asks for, with the run's models, workload and the compute
 * configuration of each tier (implemented by CeLslmHelper).
 */
class ServerFactory
{
  public:
    virtual ~ServerFactory() = default;
    /**
     * \param tier where the server runs (sets its device and engine configuration)
     * \param model which executed model it runs
     * \return a server that answers with that model on that tier's device
     */
    virtual Ptr<RequestServer> MakeModelServer(ServingTier tier, ModelRole model) const = 0;
    /// \return a network-only server (fixed token interval, no model)
    virtual Ptr<RequestServer> MakePacedServer() const = 0;
    /**
     * \param tier TIER_CLOUD or TIER_EDGE
     * \return the CE-LSLM server of that tier: the cloud's context KV service, or the edge SLM
     * that loads context KV (ContextKvServer, CeLslmEdgeServer)
     */
    virtual Ptr<RequestServer> MakeCeLslmServer(ServingTier tier) const = 0;
    /**
     * \param tier TIER_CLOUD or TIER_EDGE
     * \param standalone at the edge: never defer to the cloud (CE-CoLLM's standalone mode)
     * \return the CE-CoLLM server of that tier: the cloud's context manager, or the edge's
     * partitioned LLM with early exits (CeCollmCloudServer, CeCollmEdgeServer)
     */
    virtual Ptr<RequestServer> MakeCeCollmServer(ServingTier tier, bool standalone) const = 0;
};

/**
 * \ingroup ce-lslm
 * \brief An inference mode: the strategy that decides which node answers a request and how.
 *
 * Every node asks the mode for its server when it is installed. A node with a server answers
 * the requests that reach it; a node without one passes them on (terminal -> edge -> cloud).
 * A new mode is a new subclass (and a line in the registry of Create), never a new branch in
 * the applications.
 */
class InferenceMode : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    /// \return the mode's name in configurations ("cloud-only", ...)
    virtual std::string GetName() const = 0;

    /**
     * \param tier the node's tier
     * \param factory builds servers
     * \return the node's server, or null when the node passes requests on
     */
    virtual Ptr<RequestServer> CreateServer(ServingTier tier,
                                            const ServerFactory& factory) const = 0;

    /**
     * \param name a mode name ("network-only", "cloud-only", "edge-only")
     * \return a new mode of that name with default attributes
     * \throw std::invalid_argument for an unknown name
     */
    static Ptr<InferenceMode> Create(const std::string& name);

    /// \return the names Create accepts, in registry order
    static std::vector<std::string> Names();
};

} // namespace ns3

#endif // CE_LSLM_INFERENCE_MODE_H
