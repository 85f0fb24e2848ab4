/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "framed-listener.h"

#include "ns3/inet-socket-address.h"
#include "ns3/log.h"
#include "ns3/tcp-socket-factory.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FramedListener");

NS_OBJECT_ENSURE_REGISTERED(FramedListener);

TypeId
FramedListener::GetTypeId()
{
    static TypeId tid = TypeId("ns3::FramedListener")
                            .SetParent<Object>()
                            .SetGroupName("CeLslm")
                            .AddConstructor<FramedListener>();
    return tid;
}

FramedListener::FramedListener()
{
    NS_LOG_FUNCTION(this);
}

FramedListener::~FramedListener()
{
    NS_LOG_FUNCTION(this);
}

void
FramedListener::Listen(Ptr<Node> node, uint16_t port)
{
    NS_LOG_FUNCTION(this << node->GetId() << port);
    NS_ASSERT_MSG(!m_socket, "FramedListener::Listen called twice");
    m_socket = Socket::CreateSocket(node, TcpSocketFactory::GetTypeId());
    if (m_socket->Bind(InetSocketAddress(Ipv4Address::GetAny(), port)) != 0)
    {
        NS_FATAL_ERROR("node " << node->GetId() << ": cannot bind TCP port " << port);
    }
    m_socket->Listen();
    m_socket->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                MakeCallback(&FramedListener::HandleAccept, this));
}

void
FramedListener::SetAcceptCallback(Callback<void, Ptr<FramedConnection>> callback)
{
    m_accept = callback;
}

void
FramedListener::Close()
{
    NS_LOG_FUNCTION(this);
    StopListening();
    for (auto& connection : m_connections)
    {
        connection->Close();
    }
}

void
FramedListener::StopListening()
{
    if (m_socket)
    {
        m_socket->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                    MakeNullCallback<void, Ptr<Socket>, const Address&>());
        m_socket->Close();
        m_socket = nullptr;
    }
}

std::size_t
FramedListener::GetAcceptedCount() const
{
    return m_connections.size();
}

void
FramedListener::DoDispose()
{
    NS_LOG_FUNCTION(this);
    StopListening();
    for (auto& connection : m_connections)
    {
        connection->Dispose();
    }
    m_connections.clear();
    m_accept = MakeNullCallback<void, Ptr<FramedConnection>>();
    Object::DoDispose();
}

void
FramedListener::HandleAccept(Ptr<Socket> socket, const Address& from)
{
    NS_LOG_FUNCTION(this << socket << from);
    // Forget connections that have ended, so a long run does not accumulate them.
    m_connections.erase(std::remove_if(m_connections.begin(),
                                       m_connections.end(),
                                       [](const Ptr<FramedConnection>& c)
                                       {
                                           return !c->IsConnected();
                                       }),
                        m_connections.end());
    Ptr<FramedConnection> connection = CreateObject<FramedConnection>();
    m_connections.push_back(connection);
    // Callbacks first: data may already be waiting on the accepted socket.
    if (!m_accept.IsNull())
    {
        m_accept(connection);
    }
    connection->Attach(socket);
}

} // namespace ns3
