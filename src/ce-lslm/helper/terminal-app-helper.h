/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_TERMINAL_APP_HELPER_H
#define CE_LSLM_TERMINAL_APP_HELPER_H

#include "ce-app-helper.h"

#include "ns3/address.h"

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Installs TerminalApps, giving each a TerminalId so that request ids are unique.
 *
 * Every Install() call names the ids it assigns; installing two terminals with the same id
 * makes their requests collide (the edge refuses the second as "duplicate-request").
 */
class TerminalAppHelper : public CeAppHelper
{
  public:
    /// Terminals installed without a Remote address; set it per application before the start.
    TerminalAppHelper();

    /// \param edge address (InetSocketAddress) of the edge's terminal port
    explicit TerminalAppHelper(const Address& edge);

    /**
     * \brief Set the arrival process: Poisson (exponential inter-arrival times) or periodic
     * (constant inter-arrival time, with each terminal's first request at a random phase in
     * [0, 1 / rate), so that terminals do not fire in lockstep).
     * \param ratePerSecond mean request rate of each terminal, in requests/s
     * \param poisson true for Poisson arrivals, false for periodic ones
     */
    void SetArrivals(double ratePerSecond, bool poisson);

    /**
     * \brief Draw prompt and answer lengths uniformly from inclusive integer ranges.
     * \param promptMin smallest prompt, in tokens
     * \param promptMax largest prompt, in tokens
     * \param answerMin shortest answer, in tokens
     * \param answerMax longest answer, in tokens
     */
    void SetTokenCounts(uint32_t promptMin,
                        uint32_t promptMax,
                        uint32_t answerMin,
                        uint32_t answerMax);

    /**
     * \brief Install on \p node with the given TerminalId (which must be unique).
     * \param node the terminal node
     * \param terminalId the terminal's number
     * \return the application
     */
    ApplicationContainer Install(Ptr<Node> node, uint32_t terminalId) const;

    /**
     * \brief Install on every node of \p nodes, with TerminalIds firstTerminalId, +1, ...
     * \param nodes the terminal nodes
     * \param firstTerminalId TerminalId of the first node
     * \return the applications, in node order
     */
    ApplicationContainer Install(NodeContainer nodes, uint32_t firstTerminalId = 0) const;

    /**
     * \brief Assign fixed random streams to the TerminalApps in \p apps.
     * \param apps applications installed by this helper
     * \param stream first stream index
     * \return the number of stream indices used
     */
    static int64_t AssignStreams(ApplicationContainer apps, int64_t stream);
};

} // namespace ns3

#endif // CE_LSLM_TERMINAL_APP_HELPER_H
