/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_CE_APP_HELPER_H
#define CE_LSLM_CE_APP_HELPER_H

#include "ns3/application-container.h"
#include "ns3/attribute.h"
#include "ns3/node-container.h"
#include "ns3/object-factory.h"

#include <string>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Installs one kind of ce-lslm application (given by its TypeId) on nodes, with the
 * attributes set on the helper. TerminalAppHelper, EdgeAppHelper and CloudAppHelper add the
 * wiring each application needs.
 */
class CeAppHelper
{
  public:
    /// \param typeId the application's TypeId name, e.g. "ns3::TerminalApp"
    explicit CeAppHelper(const std::string& typeId);

    /**
     * \brief Set an attribute of every application installed from now on.
     * \param name attribute name
     * \param value attribute value
     */
    void SetAttribute(const std::string& name, const AttributeValue& value);

    /**
     * \param nodes where to install, one application per node
     * \return the applications, in node order
     */
    ApplicationContainer Install(NodeContainer nodes) const;

    /**
     * \param node where to install
     * \return the application
     */
    ApplicationContainer Install(Ptr<Node> node) const;

  protected:
    /**
     * \brief Create one application and add it to \p node.
     * \param node the node
     * \return the application
     */
    Ptr<Application> InstallPriv(Ptr<Node> node) const;

  private:
    ObjectFactory m_factory; //!< creates the applications
};

} // namespace ns3

#endif // CE_LSLM_CE_APP_HELPER_H
