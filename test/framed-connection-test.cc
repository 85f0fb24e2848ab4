// Tests of FramedConnection over a simulated TCP connection between two nodes.

#include "framing-test-utils.h"

#include "ns3/content-class-tag.h"
#include "ns3/core-module.h"
#include "ns3/framed-connection.h"
#include "ns3/internet-module.h"
#include "ns3/ipv4-address-generator.h"
#include "ns3/message-authenticator.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/protocol-message.h"

#include <cstdint>
#include <functional>
#include <gtest/gtest.h>
#include <map>
#include <random>
#include <string>
#include <vector>

using namespace ns3;
using namespace ce_lslm_test;

namespace
{

using CloseReason = FramedConnection::CloseReason;
using ClassBytes = std::map<ContentClassTag::ContentClass, uint32_t>;

constexpr uint16_t PORT = 9000;
constexpr uint32_t SND_BUF_SIZE = 16 * 1024;

/// Checks that \p received is exactly \p expected, without printing megabytes on failure.
void
ExpectSameMessages(const std::vector<Bytes>& expected, const std::vector<Bytes>& received)
{
    ASSERT_EQ(received.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i)
    {
        ASSERT_TRUE(received[i] == expected[i])
            << "message " << i << " differs (" << received[i].size() << " bytes received, "
            << expected[i].size() << " expected)";
    }
}

/// Trace sink: adds the content class bytes of \p packet to \p total.
void
AddClassBytes(ClassBytes* total, Ptr<const Packet> packet)
{
    for (const auto& [contentClass, bytes] : ContentClassTag::Count(packet))
    {
        (*total)[contentClass] += bytes;
    }
}

/// What one end of the connection observed.
struct EndLog
{
    Ptr<FramedConnection> connection;
    std::vector<Bytes> received;
    std::vector<Ptr<const Packet>> receivedPackets; //!< the received messages themselves
    std::vector<CloseReason> closeReasons;
    size_t receivedAtClose = 0; //!< messages received when the closed callback fired
    bool connected = false;
    uint64_t maxTxBacklog = 0;
    size_t framesSent = 0;
    size_t framesReceived = 0;
    std::vector<std::string> framingErrors;
    std::vector<Time> receivedAt;            //!< when each message was delivered
    std::vector<Time> sentAt;                //!< when each frame's last byte was handed to TCP
    std::vector<std::string> rejected;       //!< MessageRejected reasons, in order
    std::vector<std::string> injected;       //!< FrameInjected kinds, in order
    Ptr<MessageAuthenticator> authenticator; //!< given to the connection when it is created
    /// Extra per-test reaction to each message, run after it is logged.
    std::function<void(Ptr<FramedConnection>)> onMessage;
};

/**
 * Two nodes joined by a point-to-point link with TCP; node 1 listens and wraps every
 * accepted socket in a FramedConnection, node 0 connects.
 */
class FramedConnectionTest : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
        Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(SND_BUF_SIZE));
        m_nodes.Create(2);
        PointToPointHelper link;
        link.SetDeviceAttribute("DataRate", StringValue("100Mbps"));
        link.SetChannelAttribute("Delay", StringValue("1ms"));
        m_devices = link.Install(m_nodes);
        InternetStackHelper().Install(m_nodes);
        Ipv4AddressHelper addresses("10.1.1.0", "255.255.255.0");
        m_interfaces = addresses.Assign(m_devices);
    }

    void TearDown() override
    {
        for (EndLog* end : {&m_client, &m_server})
        {
            if (end->connection)
            {
                end->connection->Dispose();
            }
        }
        Simulator::Destroy();
        Ipv4AddressGenerator::Reset();
    }

    /// Drops a fraction of the packets arriving at each device, reproducibly.
    void AddLoss(double rate)
    {
        for (uint32_t i = 0; i < m_devices.GetN(); ++i)
        {
            Ptr<RateErrorModel> errors = CreateObject<RateErrorModel>();
            errors->SetAttribute("ErrorRate", DoubleValue(rate));
            errors->SetAttribute("ErrorUnit", EnumValue(RateErrorModel::ERROR_UNIT_PACKET));
            errors->AssignStreams(100 + i);
            m_devices.Get(i)->SetAttribute("ReceiveErrorModel", PointerValue(errors));
            m_devices.Get(i)->TraceConnectWithoutContext(
                "PhyRxDrop",
                MakeCallback(&FramedConnectionTest::OnDrop, this));
        }
    }

    Ptr<Socket> CreateTcpSocket(uint32_t node)
    {
        return Socket::CreateSocket(m_nodes.Get(node), TcpSocketFactory::GetTypeId());
    }

    Address ServerAddress() const
    {
        return InetSocketAddress(m_interfaces.GetAddress(1), PORT);
    }

    /// Starts the server; \p maxFrameSize configures its FramedConnection.
    void Listen(uint32_t maxFrameSize = FrameDecoder::DEFAULT_MAX_FRAME_SIZE)
    {
        m_serverMaxFrameSize = maxFrameSize;
        StartListener(MakeCallback(&FramedConnectionTest::Accept, this));
    }

    /// Starts a server that accepts connections on plain sockets and never reads them.
    void ListenRaw()
    {
        StartListener(MakeCallback(&FramedConnectionTest::AcceptRaw, this));
    }

    void StartListener(Callback<void, Ptr<Socket>, const Address&> accept)
    {
        m_listener = CreateTcpSocket(1);
        ASSERT_EQ(m_listener->Bind(InetSocketAddress(Ipv4Address::GetAny(), PORT)), 0);
        ASSERT_EQ(m_listener->Listen(), 0);
        m_listener->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                      accept);
    }

    void AcceptRaw(Ptr<Socket> socket, const Address& /* from */)
    {
        m_rawServerSocket = socket;
    }

    void Accept(Ptr<Socket> socket, const Address& /* from */)
    {
        CreateConnection(m_server, m_serverMaxFrameSize)->Attach(socket);
    }

    /**
     * Creates the client's FramedConnection now, so that messages can be queued, and
     * connects it to the server at time 0 (sockets cannot send before the nodes start).
     */
    void ConnectClient()
    {
        CreateConnection(m_client, FrameDecoder::DEFAULT_MAX_FRAME_SIZE);
        Simulator::Schedule(Seconds(0),
                            [this]()
                            {
                                m_client.connection->Connect(CreateTcpSocket(0), ServerAddress());
                            });
    }

    /// A FramedConnection for \p end, whose callbacks and traces log into it.
    Ptr<FramedConnection> CreateConnection(EndLog& end, uint32_t maxFrameSize)
    {
        end.connection = CreateObjectWithAttributes<FramedConnection>("MaxFrameSize",
                                                                      UintegerValue(maxFrameSize));
        if (end.authenticator)
        {
            end.connection->SetAuthenticator(end.authenticator);
        }
        EndLog* log = &end;
        end.connection->SetMessageCallback(
            MakeCallback(&FramedConnectionTest::OnMessage, this, log));
        end.connection->SetConnectedCallback(
            MakeCallback(&FramedConnectionTest::OnConnected, this, log));
        end.connection->SetClosedCallback(MakeCallback(&FramedConnectionTest::OnClosed, this, log));
        ConnectTrace(end, "TxBacklog", MakeCallback(&FramedConnectionTest::OnTxBacklog, this, log));
        ConnectTrace(end, "FrameSent", MakeCallback(&FramedConnectionTest::OnFrameSent, this, log));
        ConnectTrace(end,
                     "FrameReceived",
                     MakeCallback(&FramedConnectionTest::OnFrameReceived, this, log));
        ConnectTrace(end,
                     "FramingError",
                     MakeCallback(&FramedConnectionTest::OnFramingError, this, log));
        ConnectTrace(end,
                     "MessageRejected",
                     MakeBoundCallback(&FramedConnectionTest::OnAuthentication, &log->rejected));
        ConnectTrace(end,
                     "FrameInjected",
                     MakeBoundCallback(&FramedConnectionTest::OnAuthentication, &log->injected));
        return end.connection;
    }

    static void ConnectTrace(EndLog& end, const std::string& name, const CallbackBase& sink)
    {
        EXPECT_TRUE(end.connection->TraceConnectWithoutContext(name, sink)) << name;
    }

    void OnMessage(EndLog* end, Ptr<FramedConnection> connection, Ptr<Packet> message)
    {
        end->received.push_back(ToBytes(message));
        end->receivedAt.push_back(Simulator::Now());
        end->receivedPackets.push_back(message);
        if (end->onMessage)
        {
            end->onMessage(connection);
        }
    }

    void OnConnected(EndLog* end, Ptr<FramedConnection> /* connection */)
    {
        end->connected = true;
    }

    void OnClosed(EndLog* end, Ptr<FramedConnection> /* connection */, CloseReason reason)
    {
        end->closeReasons.push_back(reason);
        end->receivedAtClose = end->received.size();
    }

    void OnDrop(Ptr<const Packet> /* packet */)
    {
        ++m_drops;
    }

    void OnTxBacklog(EndLog* end, uint64_t /* oldValue */, uint64_t newValue)
    {
        end->maxTxBacklog = std::max(end->maxTxBacklog, newValue);
    }

    void OnFrameSent(EndLog* end, Ptr<const Packet> message, uint32_t frameBytes)
    {
        EXPECT_EQ(frameBytes, message->GetSize() + FrameOverhead(*end));
        ++end->framesSent;
        end->sentAt.push_back(Simulator::Now());
    }

    void OnFrameReceived(EndLog* end, Ptr<const Packet> message, uint32_t frameBytes)
    {
        EXPECT_EQ(frameBytes, message->GetSize() + FrameOverhead(*end));
        ++end->framesReceived;
    }

    static void OnAuthentication(std::vector<std::string>* log,
                                 Ptr<const Packet> /* message */,
                                 const std::string& what)
    {
        log->push_back(what);
    }

    /// The bytes a frame of \p end adds to its message, as documented by the wire format.
    static uint32_t FrameOverhead(const EndLog& end)
    {
        const uint32_t overhead = end.authenticator ? 6 + 8 + 32 : 6;
        EXPECT_EQ(end.connection->GetFrameOverhead(), overhead);
        return overhead;
    }

    /// Both ends authenticate, with keys \p clientKey and \p serverKey.
    void Authenticate(const std::string& clientKey, const std::string& serverKey)
    {
        for (auto [end, key] : {std::pair{&m_client, clientKey}, std::pair{&m_server, serverKey}})
        {
            end->authenticator = CreateObject<MessageAuthenticator>();
            end->authenticator->SetKey(key);
        }
    }

    /// Has the client send \p actions at 1 s, once connected: a message, or an attack hook.
    void ClientSendsAt1s(const std::vector<std::function<void(Ptr<FramedConnection>)>>& actions)
    {
        Listen();
        ConnectClient();
        Simulator::Schedule(Seconds(1),
                            [this, actions]()
                            {
                                for (const auto& action : actions)
                                {
                                    action(m_client.connection);
                                }
                            });
        Run();
    }

    /// \return an action that sends \p bytes as a message
    static std::function<void(Ptr<FramedConnection>)> SendAction(const Bytes& bytes)
    {
        return [bytes](Ptr<FramedConnection> connection)
        {
            connection->Send(ToPacket(bytes));
        };
    }

    void OnFramingError(EndLog* end, const std::string& error)
    {
        end->framingErrors.push_back(error);
    }

    /**
     * Sends \p messages from \p end in bursts of random length at random intervals,
     * starting at \p start; each burst is queued at once, far beyond the TCP buffer.
     */
    void ScheduleBursts(EndLog& end,
                        const std::vector<Bytes>& messages,
                        Time start,
                        std::mt19937& rng)
    {
        Time at = start;
        for (size_t first = 0; first < messages.size();)
        {
            size_t last = std::min(messages.size(), first + 1 + rng() % 120);
            Simulator::Schedule(at,
                                [&end, &messages, first, last]()
                                {
                                    ASSERT_TRUE(end.connection) << "not connected yet";
                                    for (size_t i = first; i < last; ++i)
                                    {
                                        end.connection->Send(ToPacket(messages[i]));
                                    }
                                });
            at += MilliSeconds(rng() % 40);
            first = last;
        }
    }

    /// A KV_DATA message of 200 kB: far more than a segment and than the send buffer, so TCP
    /// cuts it into many segments and the receiver reassembles it from many reads.
    static Ptr<Packet> LargeKvMessage()
    {
        KvDataHeader header(1, 2, KvDataHeader::ALIGNED, true, 4);
        return MakeKvDataMessage(7, header, {1, 2, 3, 4}, 200000);
    }

    /**
     * Has the client send \p messages, runs the simulation, and checks that the server received
     * them with their bytes and with the bytes of each content class they were sent with.
     */
    void ExpectMessagesKeepTheirClasses(const std::vector<Ptr<Packet>>& messages)
    {
        Listen();
        ConnectClient();
        Simulator::Schedule(MilliSeconds(10),
                            [this, &messages]()
                            {
                                for (const Ptr<Packet>& message : messages)
                                {
                                    m_client.connection->Send(message);
                                }
                            });
        Run();
        std::vector<Bytes> expected;
        for (const Ptr<Packet>& message : messages)
        {
            expected.push_back(ToBytes(message));
        }
        ExpectSameMessages(expected, m_server.received);
        ASSERT_EQ(m_server.receivedPackets.size(), messages.size());
        for (size_t i = 0; i < messages.size(); ++i)
        {
            EXPECT_EQ(ContentClassTag::Count(m_server.receivedPackets[i]),
                      ContentClassTag::Count(messages[i]))
                << "message " << i;
        }
    }

    void Run()
    {
        Simulator::Stop(Seconds(1000));
        Simulator::Run();
    }

    /// Runs a bidirectional exchange of \p count messages each way and checks it.
    void ExchangeRandomPayloads(uint32_t seed, size_t count)
    {
        std::mt19937 rng(seed);
        std::vector<Bytes> toServer = RandomPayloads(rng, count, 20000);
        std::vector<Bytes> toClient = RandomPayloads(rng, count, 20000);
        Listen();
        ConnectClient();
        ScheduleBursts(m_client, toServer, Seconds(0), rng);
        ScheduleBursts(m_server, toClient, Seconds(0.5), rng);
        Run();

        ExpectSameMessages(toServer, m_server.received);
        ExpectSameMessages(toClient, m_client.received);
        for (EndLog* end : {&m_client, &m_server})
        {
            EXPECT_TRUE(end->closeReasons.empty());
            EXPECT_EQ(end->framesSent, count);
            EXPECT_EQ(end->framesReceived, count);
            EXPECT_EQ(end->connection->GetTxBacklog(), 0u);
            EXPECT_GT(end->maxTxBacklog, 4 * SND_BUF_SIZE) << "no back-pressure exercised";
        }
        EXPECT_EQ(m_client.connection->GetBytesSent(), m_server.connection->GetBytesReceived());
        EXPECT_EQ(m_server.connection->GetBytesSent(), m_client.connection->GetBytesReceived());
    }

    /// Has a raw TCP socket write \p bytes to the server, then runs the simulation.
    void RawClientWrites(const Bytes& bytes)
    {
        Simulator::Schedule(Seconds(0),
                            [this, bytes]()
                            {
                                Ptr<Socket> raw = CreateTcpSocket(0);
                                ASSERT_EQ(raw->Connect(ServerAddress()), 0);
                                // TCP buffers data sent during the handshake.
                                ASSERT_EQ(raw->Send(ToPacket(bytes)),
                                          static_cast<int>(bytes.size()));
                            });
        Run();
    }

    NodeContainer m_nodes;
    NetDeviceContainer m_devices;
    Ipv4InterfaceContainer m_interfaces;
    Ptr<Socket> m_listener;
    Ptr<Socket> m_rawServerSocket; //!< the accepted socket, after ListenRaw()
    uint32_t m_serverMaxFrameSize = FrameDecoder::DEFAULT_MAX_FRAME_SIZE;
    EndLog m_client;
    EndLog m_server;
    uint32_t m_drops = 0; //!< packets dropped by AddLoss() error models
};

TEST_F(FramedConnectionTest, RandomMessagesInBothDirectionsArriveIntactAndInOrder)
{
    ExchangeRandomPayloads(7, 1600);
}

TEST_F(FramedConnectionTest, RandomMessagesSurvivePacketLoss)
{
    AddLoss(0.01);
    ExchangeRandomPayloads(11, 300);
    EXPECT_GT(m_drops, 10u);
}

TEST_F(FramedConnectionTest, MessagesKeepTheirContentClassAcrossTcp)
{
    ClassBytes onTheWire; // tagged bytes leaving the client's device
    m_devices.Get(0)->TraceConnectWithoutContext("PhyTxEnd",
                                                 MakeBoundCallback(&AddClassBytes, &onTheWire));
    std::vector<Ptr<Packet>> messages = {LargeKvMessage(),
                                         MakeTokenMessage(7, 0, true, " Paris"),
                                         MakeCancelMessage(7)};
    ExpectMessagesKeepTheirClasses(messages);

    uint32_t kvBytes = messages[0]->GetSize();
    EXPECT_EQ(ContentClassTag::Count(m_server.receivedPackets.at(0)),
              (ClassBytes{{ContentClassTag::KV, kvBytes}}));
    // The tags TCP left on each segment of the KV message are joined into one again.
    size_t kvTags = 0;
    for (ByteTagIterator tags = m_server.receivedPackets[0]->GetByteTagIterator(); tags.HasNext();
         tags.Next())
    {
        ++kvTags;
    }
    EXPECT_EQ(kvTags, 1u);
    // Every tagged byte crossed the link once (no loss); frame and TCP/IP headers are untagged.
    EXPECT_EQ(onTheWire,
              (ClassBytes{{ContentClassTag::KV, kvBytes},
                          {ContentClassTag::OUTPUT, messages[1]->GetSize()},
                          {ContentClassTag::CONTROL, messages[2]->GetSize()}}));
}

TEST_F(FramedConnectionTest, ContentClassSurvivesRetransmissions)
{
    AddLoss(0.02);
    ExpectMessagesKeepTheirClasses({LargeKvMessage(), MakeTokenMessage(7, 0, true, "!")});
    EXPECT_GT(m_drops, 0u);
}

TEST_F(FramedConnectionTest, MessagesSentBeforeTheConnectionIsUpAreDelivered)
{
    std::mt19937 rng(3);
    std::vector<Bytes> messages = RandomPayloads(rng, 20, 20000);
    Listen();
    ConnectClient();
    // The first half is queued before Connect(), the second half during the handshake.
    auto sendHalf = [this, &messages](size_t half)
    {
        for (size_t i = half * 10; i < half * 10 + 10; ++i)
        {
            m_client.connection->Send(ToPacket(messages[i]));
        }
        EXPECT_FALSE(m_client.connection->IsConnected());
        EXPECT_GT(m_client.connection->GetTxBacklog(), 0u);
    };
    sendHalf(0);
    Simulator::Schedule(Seconds(0),
                        [&sendHalf]()
                        {
                            sendHalf(1);
                        });
    Run();

    EXPECT_TRUE(m_client.connected);
    ExpectSameMessages(messages, m_server.received);
}

TEST_F(FramedConnectionTest, CloseAfterABurstDeliversEverythingBeforePeerClosed)
{
    std::mt19937 rng(5);
    std::vector<Bytes> messages = RandomPayloads(rng, 300, 20000);
    Listen();
    ConnectClient();
    Simulator::Schedule(MilliSeconds(50),
                        [this, &messages]()
                        {
                            for (const Bytes& message : messages)
                            {
                                m_client.connection->Send(ToPacket(message));
                            }
                            m_client.connection->Close();
                            EXPECT_TRUE(m_client.closeReasons.empty())
                                << "closed before the backlog was sent";
                        });
    Run();

    ExpectSameMessages(messages, m_server.received);
    EXPECT_EQ(m_client.closeReasons, std::vector<CloseReason>{FramedConnection::LOCAL_CLOSE});
    EXPECT_EQ(m_server.closeReasons, std::vector<CloseReason>{FramedConnection::PEER_CLOSED});
    EXPECT_EQ(m_server.receivedAtClose, messages.size());
    EXPECT_FALSE(m_server.connection->IsConnected());
}

TEST_F(FramedConnectionTest, CallbacksMaySendAndCloseFromInsideDelivery)
{
    // The server echoes the first messages and closes on the fifth; the later messages,
    // received in the same read, must not be delivered.
    Listen();
    ConnectClient();
    m_server.onMessage = [this](Ptr<FramedConnection> connection)
    {
        connection->Send(ToPacket(m_server.received.back()));
        if (m_server.received.size() == 5)
        {
            connection->Close();
            m_server.connection = nullptr; // delivery must survive losing the last reference
        }
    };
    Simulator::Schedule(MilliSeconds(10),
                        [this]()
                        {
                            for (uint8_t i = 0; i < 20; ++i)
                            {
                                m_client.connection->Send(ToPacket(Bytes(10, i)));
                            }
                        });
    Run();

    EXPECT_EQ(m_server.received.size(), 5u);
    EXPECT_EQ(m_server.closeReasons, std::vector<CloseReason>{FramedConnection::LOCAL_CLOSE});
    ExpectSameMessages(m_server.received, m_client.received);
    EXPECT_EQ(m_client.closeReasons, std::vector<CloseReason>{FramedConnection::PEER_CLOSED});
}

TEST_F(FramedConnectionTest, GarbageFromThePeerIsAFramingErrorNamingTheOffset)
{
    Listen();
    Bytes bytes = EncodeFrame(Bytes(100, 0x5A));
    Bytes garbage = {'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'};
    bytes.insert(bytes.end(), garbage.begin(), garbage.end());
    RawClientWrites(bytes);

    ExpectSameMessages({Bytes(100, 0x5A)}, m_server.received);
    EXPECT_EQ(m_server.closeReasons, std::vector<CloseReason>{FramedConnection::FRAMING_ERROR});
    const std::string expected =
        "frame header at stream offset 106: bad magic 0x4142 (expected 0xce15)";
    EXPECT_EQ(m_server.connection->GetLastError(), expected);
    EXPECT_EQ(m_server.framingErrors, std::vector<std::string>{expected});
}

TEST_F(FramedConnectionTest, FrameAboveMaxFrameSizeIsAFramingError)
{
    Listen(1000);
    RawClientWrites(EncodeFrame(Bytes(1001, 1)));

    EXPECT_TRUE(m_server.received.empty());
    EXPECT_EQ(m_server.closeReasons, std::vector<CloseReason>{FramedConnection::FRAMING_ERROR});
    EXPECT_EQ(m_server.connection->GetLastError(),
              "frame header at stream offset 0: payload length 1001 exceeds the limit of 1000 "
              "bytes");
}

TEST_F(FramedConnectionTest, PeerResetReportsError)
{
    ListenRaw();
    ConnectClient();
    Simulator::Schedule(MilliSeconds(10),
                        [this]()
                        {
                            m_client.connection->Send(ToPacket(Bytes(100, 1)));
                        });
    // Closing a socket with unread data makes TCP send a reset.
    Simulator::Schedule(MilliSeconds(100),
                        [this]()
                        {
                            m_rawServerSocket->Close();
                        });
    Run();

    EXPECT_EQ(m_client.closeReasons, std::vector<CloseReason>{FramedConnection::ERROR});
    EXPECT_EQ(m_client.connection->GetLastError(), "connection reset by peer");
    EXPECT_FALSE(m_client.connection->IsConnected());
}

TEST_F(FramedConnectionTest, ConnectingToAClosedPortReportsConnectFailed)
{
    ConnectClient(); // nobody listens
    Run();

    EXPECT_FALSE(m_client.connected);
    EXPECT_EQ(m_client.closeReasons, std::vector<CloseReason>{FramedConnection::CONNECT_FAILED});
    EXPECT_FALSE(m_client.connection->GetLastError().empty());
}

const std::string KEY(32, 'k');

TEST_F(FramedConnectionTest, WithoutAuthenticatorAFrameIsTheHeaderAndTheMessageOnly)
{
    ClientSendsAt1s({SendAction(Bytes(1000, 7))});

    EXPECT_EQ(m_client.connection->GetFrameOverhead(), FrameHeader::SERIALIZED_SIZE);
    EXPECT_EQ(m_client.connection->GetBytesSent(), 1000u + 6u);
    EXPECT_EQ(m_server.connection->GetBytesReceived(), 1000u + 6u);
    ExpectSameMessages({Bytes(1000, 7)}, m_server.received);
}

TEST_F(FramedConnectionTest, AuthenticatedMessagesInBothDirectionsArriveIntactAndInOrder)
{
    Authenticate(KEY, KEY);
    AddLoss(0.01);
    ExchangeRandomPayloads(13, 300);

    // Each frame carries 40 bytes more: the sequence number and the tag.
    uint64_t messageBytes = 0;
    for (const Bytes& message : m_server.received)
    {
        messageBytes += message.size();
    }
    EXPECT_EQ(m_client.connection->GetBytesSent(), messageBytes + 300 * 46);
    for (EndLog* end : {&m_client, &m_server})
    {
        EXPECT_EQ(end->authenticator->GetTagged(), 300u);
        EXPECT_EQ(end->authenticator->GetVerified(), 300u);
        EXPECT_EQ(end->authenticator->GetForged() + end->authenticator->GetReplayed(), 0u);
        EXPECT_TRUE(end->rejected.empty());
    }
}

TEST_F(FramedConnectionTest, ForgedFrameIsDroppedCountedAndTheConnectionStaysOpen)
{
    Authenticate(KEY, KEY);
    ClientSendsAt1s({SendAction({1}),
                     [](Ptr<FramedConnection> connection)
                     {
                         connection->SendForged(ToPacket({2}));
                     },
                     SendAction({3})});

    ExpectSameMessages({{1}, {3}}, m_server.received);
    EXPECT_EQ(m_server.rejected, std::vector<std::string>{"forged"});
    EXPECT_EQ(m_server.authenticator->GetForged(), 1u);
    EXPECT_EQ(m_server.authenticator->GetVerified(), 2u);
    // The attack hook counts nothing at the sender and leaves its sequence alone.
    EXPECT_EQ(m_client.authenticator->GetTagged(), 2u);
    EXPECT_EQ(m_client.framesSent, 2u);
    EXPECT_EQ(m_client.injected, std::vector<std::string>{"forged"});
    EXPECT_TRUE(m_server.closeReasons.empty());
    EXPECT_TRUE(m_server.connection->IsConnected());
    EXPECT_EQ(m_server.connection->GetBytesReceived(), 3u * (1 + 46));
}

TEST_F(FramedConnectionTest, ReplayedFrameIsDroppedAndCountedAndLaterMessagesArrive)
{
    Authenticate(KEY, KEY);
    ClientSendsAt1s({SendAction({1}),
                     SendAction({2}),
                     [](Ptr<FramedConnection> connection)
                     {
                         EXPECT_TRUE(connection->ReplayLastFrame());
                     },
                     SendAction({3})});

    ExpectSameMessages({{1}, {2}, {3}}, m_server.received);
    EXPECT_EQ(m_server.rejected, std::vector<std::string>{"replayed"});
    EXPECT_EQ(m_server.authenticator->GetReplayed(), 1u);
    EXPECT_EQ(m_server.authenticator->GetVerified(), 3u);
    EXPECT_EQ(m_client.authenticator->GetTagged(), 3u);
    EXPECT_EQ(m_client.injected, std::vector<std::string>{"replayed"});
    EXPECT_TRUE(m_server.connection->IsConnected());
}

TEST_F(FramedConnectionTest, AuthenticatedMessagesSentBeforeConnectAreTaggedAsTheInitiators)
{
    Authenticate(KEY, KEY);
    Listen();
    ConnectClient(); // connects at time 0
    for (uint8_t i = 0; i < 3; ++i)
    {
        m_client.connection->Send(ToPacket({i}));
    }
    EXPECT_EQ(m_client.connection->GetTxBacklog(), 3u * (1 + 46));
    Run();

    ExpectSameMessages({{0}, {1}, {2}}, m_server.received);
    EXPECT_EQ(m_server.authenticator->GetVerified(), 3u);
    EXPECT_TRUE(m_server.rejected.empty());
    EXPECT_EQ(m_client.connection->GetTxBacklog(), 0u);
}

TEST_F(FramedConnectionTest, ReplayBeforeAnyFrameSendsNothing)
{
    Authenticate(KEY, KEY);
    ClientSendsAt1s({[](Ptr<FramedConnection> connection)
                     {
                         EXPECT_FALSE(connection->ReplayLastFrame());
                     }});

    EXPECT_EQ(m_client.connection->GetBytesSent(), 0u);
    EXPECT_TRUE(m_client.injected.empty());
}

TEST_F(FramedConnectionTest, WithTheWrongKeyEveryFrameIsForged)
{
    Authenticate(KEY, std::string(32, 'K'));
    ClientSendsAt1s({SendAction({1}), SendAction({2}), SendAction({3})});

    EXPECT_TRUE(m_server.received.empty());
    EXPECT_EQ(m_server.rejected, std::vector<std::string>(3, "forged"));
    EXPECT_EQ(m_server.authenticator->GetForged(), 3u);
    EXPECT_EQ(m_server.authenticator->GetVerified(), 0u);
    EXPECT_TRUE(m_server.closeReasons.empty());
}

TEST_F(FramedConnectionTest, TagsDelaySendingAndChecksDelayDeliveryByTheModelledTime)
{
    Authenticate(KEY, KEY);
    for (EndLog* end : {&m_client, &m_server})
    {
        end->authenticator->SetAttribute("BytesPerSecond", DoubleValue(1e6));
        end->authenticator->SetAttribute("PerMessageTime", TimeValue(MicroSeconds(100)));
    }
    std::vector<Time> arrivals; // data reaching the server's device
    m_devices.Get(1)->TraceConnectWithoutContext("PhyRxEnd",
                                                 Callback<void, Ptr<const Packet>>(
                                                     [&arrivals](Ptr<const Packet> packet)
                                                     {
                                                         if (packet->GetSize()
                                                             > 100) // not a pure ACK
                                                         {
                                                             arrivals.push_back(Simulator::Now());
                                                         }
                                                     }));
    // Two messages at once: the second tag waits for the first on the client's CPU.
    ClientSendsAt1s({SendAction(Bytes(1000, 1)), SendAction(Bytes(1000, 2))});

    // The modelled time of one tag or check, from the attributes.
    const Time cost =
        MicroSeconds(100)
        + Seconds((MessageAuthenticator::LABEL_BYTES + MessageAuthenticator::SEQUENCE_BYTES + 1000)
                  / 1e6);
    ASSERT_EQ(m_client.sentAt.size(), 2u);
    EXPECT_EQ(m_client.sentAt[0], Seconds(1) + cost);
    EXPECT_EQ(m_client.sentAt[1], Seconds(1) + 2 * cost);
    // Each frame fits one segment and the link is idle: each is checked from its arrival on
    // (the first check is done before the second frame arrives, 1.124 ms later).
    ASSERT_EQ(arrivals.size(), 2u);
    ASSERT_EQ(m_server.receivedAt.size(), 2u);
    EXPECT_EQ(m_server.receivedAt[0], arrivals[0] + cost);
    EXPECT_EQ(m_server.receivedAt[1], arrivals[1] + cost);
    for (EndLog* end : {&m_client, &m_server})
    {
        EXPECT_EQ(end->authenticator->GetChargedTime(), 2 * cost);
    }
}

TEST(FramedConnectionNamesTest, CloseReasonNames)
{
    EXPECT_EQ(FramedConnection::CloseReasonName(FramedConnection::PEER_CLOSED), "peer-closed");
    EXPECT_EQ(FramedConnection::CloseReasonName(FramedConnection::ERROR), "error");
    EXPECT_EQ(FramedConnection::CloseReasonName(FramedConnection::CONNECT_FAILED),
              "connect-failed");
    EXPECT_EQ(FramedConnection::CloseReasonName(FramedConnection::FRAMING_ERROR), "framing-error");
    EXPECT_EQ(FramedConnection::CloseReasonName(FramedConnection::LOCAL_CLOSE), "local-close");
}

} // namespace
