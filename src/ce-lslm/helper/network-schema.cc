/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "network-schema.h"

#include "six-g-preset.h"

#include <string>
#include <utility>

namespace ns3
{

namespace
{

using S = ConfigSchema;

/// A point-to-point link class: the access link (terminal-edge), the backhaul (edge-cloud) and
/// the edge-edge links; \p leading keys (e.g. a switch) come before the link parameters.
ConfigSchema
LinkSchema(const std::string& what, double rateMbps, double delayMs, S::Members leading = {})
{
    S::Members members = std::move(leading);
    members.insert(
        members.end(),
        {{"rate_mbps", S::Number(rateMbps, 0.001, 1e6, "Data rate of each direction, in Mbit/s")},
         {"delay_ms", S::Number(delayMs, 0, 1e4, "One-way propagation delay, in ms")},
         {"loss_rate",
          S::Number(0,
                    0,
                    0.5,
                    "Probability that a packet is lost on reception, in each direction "
                    "(0 = lossless; TCP retransmits what is lost)")},
         {"queue_packets",
          S::Integer(0,
                     0,
                     1000000,
                     "Transmit queue in front of each link device, in packets; a packet that "
                     "finds it full is dropped. 0: the link's bandwidth-delay product (rate x "
                     "2 x delay in 1500-byte packets, at least 100), the usual rule for a "
                     "router buffer")},
         {"queue_disc",
          S::Enum("fifo",
                  {"fifo", "fq-codel"},
                  "Queue discipline of that queue: fifo (drop-tail) or fq-codel (ns-3's "
                  "FqCoDelQueueDisc, the AQM Linux uses by default; 5 ms target)")}});
    return S::Object(what, std::move(members));
}

/// The radio section's own checks: distances in order, a usable TDD pattern.
void
CheckRadio(const ConfigJson& radio, const std::string& path)
{
    if (radio.at("min_distance_m").get<double>() > radio.at("max_distance_m").get<double>())
    {
        throw ConfigError(JoinConfigPath(path, "min_distance_m"),
                          "min_distance_m " + radio.at("min_distance_m").dump()
                              + " is larger than max_distance_m "
                              + radio.at("max_distance_m").dump());
    }
    std::string pattern = radio.at("tdd_pattern").get<std::string>();
    if (!pattern.empty()
        && (pattern.find_first_not_of("DSU") != std::string::npos
            || pattern.find('U') == std::string::npos
            || pattern.find_first_of("DS") == std::string::npos || pattern.size() > 640))
    {
        throw ConfigError(JoinConfigPath(path, "tdd_pattern"),
                          "'" + pattern
                              + "' must use only D, S and U (at most 640 slots), with at least "
                                "one U and one D or S");
    }
}

/// The 6G radio access: the default access network (topology.radio).
ConfigSchema
RadioSchema()
{
    return S::Object(
        "6G radio access (SixGHelper): each edge is a base station serving its terminals in one "
        "cell, instead of one point-to-point link per terminal",
        {{"enabled",
          S::Boolean(true,
                     "Use the 6G radio for the terminal-edge access; false: one point-to-point "
                     "link per terminal (topology.access)")},
         {"preset",
          S::Enum("fr1-100mhz",
                  SixGPreset::GetNames(),
                  "Carrier, propagation scenario and device parameters: fr1-100mhz (3.5 GHz, "
                  "UMa), fr3-400mhz (15 GHz, UMa), mmwave-800mhz (28 GHz, UMi street canyon), "
                  "subthz-2ghz (140 GHz, sub-THz model); numbers in doc/ce-lslm.rst")},
         {"scheduler",
          S::Enum("pf",
                  {"pf", "rr", "max-rate"},
                  "Per-slot MAC scheduler: pf (proportional fair), rr (round robin) or max-rate")},
         {"tdd_pattern",
          S::String("",
                    "Slot directions repeated from slot 0: D downlink, U uplink, S special "
                    "(mostly downlink); empty: the preset's (DDDSU)")},
         {"inter_site_distance_m",
          S::Number(200, 0, 1e5, "Distance between neighbouring base stations, in m", true)},
         {"min_distance_m",
          S::Number(10, 1, 1e5, "Least horizontal terminal-base station distance, in m")},
         {"max_distance_m",
          S::Number(100,
                    1,
                    1e5,
                    "Largest horizontal terminal-base station distance, in m (terminals are "
                    "dropped uniformly over the annulus)")},
         {"fading", S::Boolean(true, "Small-scale fading (Rician in line of sight, Rayleigh)")},
         {"terminal_speed_kmh",
          S::Number(3,
                    0,
                    500,
                    "Speed that sets the fading's Doppler spread, in km/h (terminals do not "
                    "move)")},
         {"blockage_rate_per_s",
          S::Number(0,
                    0,
                    1000,
                    "Blockage events per second of unblocked time on each link (line of sight "
                    "becomes non-line of sight); 0: none")},
         {"blockage_duration_ms",
          S::Number(300, 0, 1e6, "Mean duration of a blockage, in ms", true)},
         {"queue_packets",
          S::Integer(1000,
                     1,
                     1000000,
                     "Transmit buffer of each terminal at each end (base station: downlink, "
                     "terminal: uplink), in packets; a packet that finds it full is dropped")}},
        CheckRadio);
}

} // namespace

ConfigSchema
TopologySchema()
{
    return S::Object(
        "Nodes and links: terminals -> edge -> cloud",
        {{"terminals",
          S::Integer(4,
                     1,
                     10000,
                     "Number of terminals (users); each has its own access link, so run time "
                     "grows faster than linearly beyond about 1000 terminals per edge")},
         {"edges",
          S::Integer(1, 1, 1000, "Number of edge nodes; terminal i is served by edge i mod edges")},
         {"radio", RadioSchema()},
         {"access",
          LinkSchema("Terminal-edge point-to-point access link (one per terminal), used when "
                     "topology.radio.enabled is false",
                     100,
                     5)},
         {"backhaul", LinkSchema("Edge-cloud backhaul link (one per edge)", 1000, 10)},
         {"edge_links",
          LinkSchema("Edge-edge point-to-point links: edge i to edge (i + 1) mod edges (none "
                     "with one edge, one with two)",
                     10000,
                     0.5,
                     {{"enabled",
                       S::Boolean(false,
                                  "Connect neighbouring edges with point-to-point links (a "
                                  "ring; the edge-edge tier of the ce-lslm mode)")}})}});
}

ConfigSchema
TransportSchema()
{
    return S::Object(
        "TCP connections (terminal-edge, edge-cloud) and message framing",
        {{"tcp_variant",
          S::Enum("TcpCubic",
                  {"TcpCubic", "TcpNewReno", "TcpLinuxReno", "TcpBbr", "TcpVegas", "TcpDctcp"},
                  "ns-3 TCP congestion control (ns3::TcpL4Protocol::SocketType)")},
         {"segment_size_bytes",
          S::Integer(1448,
                     536,
                     1460,
                     "TCP maximum segment size, in bytes (at most the 1500-byte link MTU minus "
                     "IP and TCP headers, so segments are never fragmented)")},
         {"send_buffer_bytes",
          S::Integer(0,
                     0,
                     1073741824,
                     "TCP send buffer per socket, in bytes; 0: twice the largest "
                     "bandwidth-delay product of the scenario's links, at least 131072 (what "
                     "Linux's buffer autotuning reaches on such a path)")},
         {"recv_buffer_bytes",
          S::Integer(0,
                     0,
                     1073741824,
                     "TCP receive buffer (advertised window) per socket, in bytes; 0: as "
                     "send_buffer_bytes")},
         {"min_rto_ms",
          S::Number(1000,
                    1,
                    60000,
                    "Least TCP retransmission timeout, in ms (ns3::TcpSocketBase::MinRto; "
                    "RFC 6298: 1000). ns-3 floors SRTT + 4 RTTVAR at it, whereas Linux adds "
                    "its 200 ms to SRTT, so 200 here fires spuriously once a radio queue "
                    "builds up (doc/ce-lslm.rst)")},
         {"delayed_ack_ms",
          S::Number(40,
                    0,
                    500,
                    "Longest a TCP receiver delays an ACK, in ms (Linux: 40; ns-3's default of "
                    "200 equals the minimum RTO, so a lone segment's timer expires just as its "
                    "ACK leaves; ns3::TcpSocket::DelAckTimeout)")},
         {"max_frame_bytes",
          S::Integer(67108864,
                     1024,
                     2147483647,
                     "Largest message accepted from a peer, in bytes; a larger frame closes "
                     "the connection as a framing error")}},
        [](const ConfigJson& transport, const std::string& path)
        {
            for (const char* key : {"send_buffer_bytes", "recv_buffer_bytes"})
            {
                const int64_t bytes = transport.at(key).get<int64_t>();
                if (bytes != 0 && bytes < 4096)
                {
                    throw ConfigError(JoinConfigPath(path, key),
                                      "value " + std::to_string(bytes)
                                          + " is neither 0 (automatic) nor at least 4096");
                }
            }
        });
}

} // namespace ns3
