/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_INFERENCE_SERVICE_HELPER_H
#define CE_LSLM_INFERENCE_SERVICE_HELPER_H

#include "cloud-app-helper.h"
#include "edge-app-helper.h"
#include "edge-cloud-topology-helper.h"
#include "terminal-app-helper.h"

#include "ns3/application-container.h"
#include "ns3/inference-mode.h"
#include "ns3/object-factory.h"
#include "ns3/workload-feed.h"

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Installs the whole inference service on a topology built by EdgeCloudTopologyHelper:
 * a CloudApp on the cloud node, an EdgeApp on every edge node (pointed at the cloud's address
 * on its backhaul link) and a TerminalApp on every terminal (pointed at its edge, with
 * TerminalId = terminal index). The inference mode (default: network-only) gives each node its
 * RequestServer, built by a ServerFactory: by default this helper, which builds only the
 * network-only PacedServer; CeLslmHelper supplies one with the executed models.
 *
 * \code
 *   InferenceServiceHelper service;
 *   service.SetArrivals(2.0, true);
 *   service.SetTokenCounts(64, 256, 16, 64);
 *   service.SetPacedServerAttribute("TokenInterval", TimeValue(MilliSeconds(25)));
 *   service.Install(topology);
 *   service.AssignStreams(1000);
 *   service.GetTerminalApps().Stop(Seconds(10));
 * \endcode
 */
class InferenceServiceHelper : public ServerFactory
{
  public:
    /// TCP port of the edge nodes' terminal-facing server.
    static constexpr uint16_t EDGE_PORT = 7000;
    /// TCP port of the cloud node's edge-facing server.
    static constexpr uint16_t CLOUD_PORT = 7100;

    InferenceServiceHelper();

    /**
     * \param name a TerminalApp attribute
     * \param value its value for every terminal
     */
    void SetTerminalAttribute(const std::string& name, const AttributeValue& value);
    /**
     * \param name an EdgeApp attribute
     * \param value its value for every edge
     */
    void SetEdgeAttribute(const std::string& name, const AttributeValue& value);
    /**
     * \param name a CloudApp attribute
     * \param value its value
     */
    void SetCloudAttribute(const std::string& name, const AttributeValue& value);

    /**
     * \param name a PacedServer attribute (network-only mode's cloud server)
     * \param value its value
     */
    void SetPacedServerAttribute(const std::string& name, const AttributeValue& value);

    /**
     * \param mode the inference mode (default: network-only)
     * \param factory builds the servers the mode asks for; must outlive Install (null: this
     *        helper, which builds only PacedServers)
     */
    void SetMode(Ptr<InferenceMode> mode, const ServerFactory* factory = nullptr);

    /// \return the inference mode
    Ptr<InferenceMode> GetMode() const;

    /**
     * \brief Make the terminals issue the items of a workload trace (see TerminalApp).
     * \param feed hands out the items
     * \param timed trace-timed arrivals instead of the arrival process
     */
    void SetWorkload(Ptr<WorkloadFeed> feed, bool timed);

    /// \copydoc TerminalAppHelper::SetArrivals
    void SetArrivals(double ratePerSecond, bool poisson);
    /// \copydoc TerminalAppHelper::SetTokenCounts
    void SetTokenCounts(uint32_t promptMin,
                        uint32_t promptMax,
                        uint32_t answerMin,
                        uint32_t answerMax);

    /// \return a PacedServer with the attributes set by SetPacedServerAttribute
    Ptr<RequestServer> MakePacedServer() const override;
    /// Aborts: this helper has no models (use CeLslmHelper for model-running modes).
    Ptr<RequestServer> MakeModelServer(ServingTier tier, ModelRole model) const override;
    /// Aborts: this helper has no models (use CeLslmHelper for model-running modes).
    Ptr<RequestServer> MakeCeLslmServer(ServingTier tier) const override;
    /// Aborts: this helper has no models (use CeLslmHelper for model-running modes).
    Ptr<RequestServer> MakeCeCollmServer(ServingTier tier, bool standalone) const override;

    /**
     * \brief Install the applications on \p topology's nodes (once).
     * \param topology an installed topology
     */
    void Install(const EdgeCloudTopologyHelper& topology);

    /// \return the cloud application
    ApplicationContainer GetCloudApp() const;
    /// \return the edge applications, in edge order
    ApplicationContainer GetEdgeApps() const;
    /// \return the terminal applications, in terminal order
    ApplicationContainer GetTerminalApps() const;

    /**
     * \brief Fix the random streams of every terminal.
     * \param stream first stream index
     * \return the number of stream indices used
     */
    int64_t AssignStreams(int64_t stream);

  private:
    Ptr<InferenceMode> m_mode;           //!< who answers requests
    const ServerFactory* m_factory;      //!< builds servers (this helper by default)
    ObjectFactory m_paced;               //!< PacedServer factory
    Ptr<WorkloadFeed> m_feed;            //!< workload items (null: synthetic)
    bool m_timed{false};                 //!< trace-timed arrivals
    TerminalAppHelper m_terminal;        //!< terminal factory
    EdgeAppHelper m_edge;                //!< edge factory
    CloudAppHelper m_cloud;              //!< cloud factory
    ApplicationContainer m_cloudApp;     //!< installed cloud application
    ApplicationContainer m_edgeApps;     //!< installed edge applications
    ApplicationContainer m_terminalApps; //!< installed terminal applications
};

} // namespace ns3

#endif // CE_LSLM_INFERENCE_SERVICE_HELPER_H
