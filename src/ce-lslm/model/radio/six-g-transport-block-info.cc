/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "six-g-transport-block-info.h"

#include <cstdio>

namespace ns3
{

std::string
SixGTransportBlockInfo::GetCsvHeader()
{
    return "time_s,slot,cell,rnti,direction,rb_start,rbs,symbols,layers,cqi,mcs,tbs_bits,"
           "payload_bytes,transmission,sinr_db,effective_sinr_db,bler,decoded,lost";
}

void
SixGTransportBlockInfo::WriteCsv(std::ostream& out) const
{
    // Fixed formats, so the same run writes the same bytes.
    char numbers[160];
    std::snprintf(numbers, sizeof(numbers), "%.4f,%.4f,%.6f", sinrDb, effectiveSinrDb, bler);
    char time[32];
    std::snprintf(time, sizeof(time), "%.9f", this->time.GetSeconds());
    out << time << ',' << slot << ',' << cellId << ',' << rnti << ','
        << (direction == SixGLink::DOWNLINK ? "dl" : "ul") << ',' << rbStart << ',' << rbs << ','
        << symbols << ',' << layers << ',' << +cqi << ',' << +mcs << ',' << tbsBits << ','
        << payloadBytes << ',' << +transmission << ',' << numbers << ',' << (decoded ? 1 : 0) << ','
        << (lost ? 1 : 0) << '\n';
}

} // namespace ns3
