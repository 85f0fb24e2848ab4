/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "request-server.h"

#include "ns3/abort.h"

#include <algorithm>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(RequestServer);

TypeId
RequestServer::GetTypeId()
{
    static TypeId tid = TypeId("ns3::RequestServer").SetParent<Object>().SetGroupName("CeLslm");
    return tid;
}

void
RequestServer::SetTokenCallback(TokenCallback callback)
{
    m_tokenCallback = callback;
}

void
RequestServer::SetFailureCallback(FailureCallback callback)
{
    m_failureCallback = callback;
}

Ptr<ComputeEngine>
RequestServer::GetEngine() const
{
    return nullptr;
}

std::string
RequestServer::GetModelName() const
{
    return "";
}

bool
RequestServer::NeedsLinks() const
{
    return false;
}

void
RequestServer::SetLinks(const Links& /* links */)
{
}

bool
RequestServer::HandleMessage(Ptr<FramedConnection> /* from */, const ProtocolMessage& /* message */)
{
    return false;
}

void
RequestServer::Restart()
{
}

void
RequestServer::HandleConnectionClosed(Ptr<FramedConnection> /* connection */)
{
}

uint32_t
RequestServer::TextTokens(uint64_t bytes, uint32_t bytesPerToken)
{
    NS_ABORT_MSG_IF(bytesPerToken == 0, "RequestServer::TextTokens: zero bytes per token");
    return static_cast<uint32_t>((bytes + bytesPerToken - 1) / bytesPerToken);
}

uint32_t
RequestServer::ContextTokens(const std::string& context, uint32_t bytesPerToken)
{
    return TextTokens(1 + context.size(), bytesPerToken);
}

std::string
RequestServer::TokenText(const std::string& answer,
                         uint32_t index,
                         bool last,
                         uint32_t bytesPerToken)
{
    const std::size_t begin =
        std::min<std::size_t>(answer.size(), static_cast<std::size_t>(index) * bytesPerToken);
    return last ? answer.substr(begin) : answer.substr(begin, bytesPerToken);
}

void
RequestServer::DoDispose()
{
    m_tokenCallback = TokenCallback();
    m_failureCallback = FailureCallback();
    Object::DoDispose();
}

void
RequestServer::EmitToken(uint64_t id, uint32_t index, bool last, const std::string& text) const
{
    if (!m_tokenCallback.IsNull())
    {
        m_tokenCallback(id, index, last, text);
    }
}

void
RequestServer::EmitFailure(uint64_t id, ErrorHeader::Code code) const
{
    if (!m_failureCallback.IsNull())
    {
        m_failureCallback(id, code);
    }
}

RequestServer::TokenCallback
RequestServer::TokenForwarder()
{
    return MakeCallback(&RequestServer::ForwardToken, this);
}

RequestServer::FailureCallback
RequestServer::FailureForwarder()
{
    return MakeCallback(&RequestServer::ForwardFailure, this);
}

void
RequestServer::ForwardToken(uint64_t id, uint32_t index, bool last, std::string text)
{
    EmitToken(id, index, last, text);
}

void
RequestServer::ForwardFailure(uint64_t id, ErrorHeader::Code code)
{
    EmitFailure(id, code);
}

} // namespace ns3
