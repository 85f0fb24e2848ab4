/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "ce-app-helper.h"

#include "ns3/application.h"
#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("CeAppHelper");

CeAppHelper::CeAppHelper(const std::string& typeId)
{
    m_factory.SetTypeId(typeId);
}

void
CeAppHelper::SetAttribute(const std::string& name, const AttributeValue& value)
{
    m_factory.Set(name, value);
}

ApplicationContainer
CeAppHelper::Install(NodeContainer nodes) const
{
    ApplicationContainer apps;
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        apps.Add(InstallPriv(*it));
    }
    return apps;
}

ApplicationContainer
CeAppHelper::Install(Ptr<Node> node) const
{
    return ApplicationContainer(InstallPriv(node));
}

Ptr<Application>
CeAppHelper::InstallPriv(Ptr<Node> node) const
{
    Ptr<Application> app = m_factory.Create<Application>();
    node->AddApplication(app);
    return app;
}

} // namespace ns3
