#ifndef CE_LSLM_SAFETENSORS_WRITER_H
#define CE_LSLM_SAFETENSORS_WRITER_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ns3
{
namespace llm
{

/**
 * \brief Writes FP32 tensors to a safetensors file as F32, F16 or BF16.
 *
 * Used to save models created with random weights (so other tools, and PyTorch, can load the
 * exact same model) and by the tests to build good and deliberately broken checkpoints. The
 * header is padded with spaces to a multiple of 8 bytes, as the reference implementation does.
 */
class SafetensorsWriter
{
  public:
    /**
     * Add a tensor (converted now; the source may go away).
     * \param name tensor name
     * \param dtype "F32", "F16" or "BF16"
     * \param shape dimensions, outermost first
     * \param data shape's product of floats, row-major
     */
    void Add(const std::string& name,
             const std::string& dtype,
             const std::vector<int64_t>& shape,
             const float* data);

    /// Add a "__metadata__" string entry.
    void AddMetadata(const std::string& key, const std::string& value);

    /// \return the complete file contents
    std::vector<uint8_t> Serialize() const;

    /// Write the file (throws LlmError naming the path on failure).
    void Write(const std::string& path) const;

  private:
    /// \brief One tensor waiting to be written.
    struct Entry
    {
        std::string dtype;          //!< stored dtype
        std::vector<int64_t> shape; //!< dimensions
        std::vector<uint8_t> bytes; //!< converted data
    };

    std::map<std::string, Entry> m_entries;        //!< by name (the file's order)
    std::map<std::string, std::string> m_metadata; //!< "__metadata__"
};

} // namespace llm
} // namespace ns3

#endif // CE_LSLM_SAFETENSORS_WRITER_H
