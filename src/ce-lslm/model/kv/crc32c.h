#ifndef CE_LSLM_CRC32C_H
#define CE_LSLM_CRC32C_H

#include <cstddef>
#include <cstdint>

namespace ns3
{
namespace kv
{

/**
 * \param data first byte (may be null when size is 0)
 * \param size bytes to checksum
 * \param crc the CRC of the bytes before data, 0 to start a new CRC
 * \return the CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, as iSCSI and ext4) of the
 *         bytes, continuing from crc: Crc32c(b, nb, Crc32c(a, na)) is the CRC of a followed by b
 */
uint32_t Crc32c(const uint8_t* data, std::size_t size, uint32_t crc = 0);

} // namespace kv
} // namespace ns3

#endif // CE_LSLM_CRC32C_H
