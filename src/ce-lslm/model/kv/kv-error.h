#ifndef CE_LSLM_KV_ERROR_H
#define CE_LSLM_KV_ERROR_H

#include <cstdint>
#include <stdexcept>
#include <string>

namespace ns3
{
namespace kv
{

/**
 * \brief The one error type of the KV layer (alignment, codecs, wire format).
 *
 * The message names what is wrong: the file, the codec spec and stage, or the byte offset of a
 * stream, so that a tool can print it as is and exit non-zero.
 */
class KvError : public std::runtime_error
{
  public:
    /// \param message the complete, self-explanatory message
    explicit KvError(const std::string& message);
};

/**
 * \brief A KV stream or payload that cannot be decoded: truncated, corrupted or mismatched.
 *
 * Carries the byte offset (from the start of the stream or payload being read) where decoding
 * stopped.
 */
class KvWireError : public KvError
{
  public:
    /**
     * \param offset byte offset of the problem
     * \param what what is wrong there (the offset is prepended to the message)
     */
    KvWireError(uint64_t offset, const std::string& what);
    /// \return byte offset of the problem
    uint64_t Offset() const;

  private:
    uint64_t m_offset; //!< where decoding stopped
};

} // namespace kv
} // namespace ns3

#endif // CE_LSLM_KV_ERROR_H
