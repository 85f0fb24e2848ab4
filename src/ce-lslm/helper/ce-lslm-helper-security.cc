/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// CeLslmHelper: the security section (the HMAC key, the authenticators of the edge-cloud
// connections, and their counters).

#include "ce-lslm-helper.h"

#include "ns3/ce-application.h"
#include "ns3/double.h"
#include "ns3/message-authenticator.h"
#include "ns3/nstime.h"
#include "ns3/sha256.h"

namespace ns3
{

std::string
CeLslmHelper::HmacKey(const ScenarioConfig& config)
{
    const std::string hex = config.GetString("security.hmac_key");
    if (hex.empty())
    {
        // A key of its own for every run, reproducible from the run's identity.
        const std::string label =
            "ce-lslm security.hmac_key seed=" + std::to_string(config.GetInt("simulation.seed"))
            + " run=" + std::to_string(config.GetInt("simulation.run"));
        const Sha256::Digest digest = Sha256::Hash(label.data(), label.size());
        return std::string(digest.begin(), digest.end());
    }
    std::string key; // the schema checked the digits and their count
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    {
        key += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    }
    return key;
}

void
CeLslmHelper::InstallAuthenticators()
{
    if (!m_config.GetBool("security.authenticate"))
    {
        return;
    }
    const std::string key = HmacKey(m_config);
    auto authenticate = [&](Ptr<Application> app)
    {
        Ptr<MessageAuthenticator> authenticator = CreateObject<MessageAuthenticator>();
        authenticator->SetAttribute("BytesPerSecond",
                                    DoubleValue(m_config.GetDouble("security.hmac_bytes_per_s")));
        authenticator->SetAttribute(
            "PerMessageTime",
            TimeValue(MicroSeconds(m_config.GetDouble("security.hmac_per_message_us"))));
        authenticator->SetKey(key);
        DynamicCast<CeApplication>(app)->SetAuthenticator(authenticator);
    };
    authenticate(m_service.GetCloudApp().Get(0));
    ApplicationContainer edges = m_service.GetEdgeApps();
    for (uint32_t e = 0; e < edges.GetN(); ++e)
    {
        authenticate(edges.Get(e));
    }
}

SecurityResults
CeLslmHelper::SecurityCounters() const
{
    SecurityResults security;
    security.authenticated = m_config.GetBool("security.authenticate");
    auto add = [&security](Ptr<Application> app, double& seconds)
    {
        Ptr<MessageAuthenticator> authenticator =
            DynamicCast<CeApplication>(app)->GetAuthenticator();
        if (!authenticator)
        {
            return;
        }
        security.messagesTagged += authenticator->GetTagged();
        security.messagesVerified += authenticator->GetVerified();
        security.rejectedForged += authenticator->GetForged();
        security.rejectedReplayed += authenticator->GetReplayed();
        seconds += authenticator->GetChargedTime().GetSeconds();
    };
    add(m_service.GetCloudApp().Get(0), security.cloudS);
    ApplicationContainer edges = m_service.GetEdgeApps();
    for (uint32_t e = 0; e < edges.GetN(); ++e)
    {
        add(edges.Get(e), security.edgeS);
    }
    return security;
}

} // namespace ns3
