#ifndef CE_LSLM_SAFETENSORS_FILE_H
#define CE_LSLM_SAFETENSORS_FILE_H

#include "mapped-file.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ns3
{
namespace llm
{

/**
 * \brief One tensor's entry in a safetensors header, validated.
 */
struct SafetensorsTensor
{
    std::string name;           //!< tensor name, e.g. "model.norm.weight"
    std::string dtype;          //!< dtype as written ("F32", "F16", "BF16", "I64", ...)
    std::size_t elementBytes;   //!< bytes per element of dtype
    std::vector<int64_t> shape; //!< dimensions, outermost first
    std::size_t fileOffset;     //!< first byte of the data, from the start of the file
    std::size_t byteCount;      //!< bytes of data

    /// \return the number of elements (product of shape; 1 for a scalar)
    int64_t Elements() const;
    /// \return the shape as "[a, b]"
    std::string ShapeText() const;
};

/**
 * \brief A memory-mapped safetensors file with a fully validated header.
 *
 * Format: an 8-byte little-endian header length N, N bytes of JSON mapping tensor names to
 * {dtype, shape, data_offsets} (plus an optional "__metadata__" string map), then the data
 * buffer. Opening validates everything that can be checked without reading data: the header
 * length against the file size, the JSON, every entry's dtype, shape and byte range (inside the
 * buffer, consistent with dtype x shape, not overlapping another tensor). Reading converts F32,
 * F16 and BF16 to FP32. Every error names the file and the tensor or byte offset.
 */
class SafetensorsFile
{
  public:
    /**
     * Map and validate the file. Throws LlmError on any problem.
     * \param path the .safetensors file
     */
    explicit SafetensorsFile(const std::string& path);

    /// \return the path the file was opened with
    const std::string& Path() const;
    /// \return whether the file holds a tensor of this name
    bool Has(const std::string& name) const;
    /// \return the entry of a tensor (throws LlmError naming it if absent)
    const SafetensorsTensor& Tensor(const std::string& name) const;
    /// \return every tensor, sorted by name
    const std::map<std::string, SafetensorsTensor>& Tensors() const;
    /// \return the "__metadata__" entries (empty if none)
    const std::map<std::string, std::string>& Metadata() const;

    /**
     * Convert a floating-point tensor to FP32.
     * \param name the tensor
     * \param out destination of Tensor(name).Elements() floats
     */
    void ReadFloats(const std::string& name, float* out) const;

  private:
    void ParseHeader(const std::string& headerText, std::size_t bufferOffset);
    void CheckNoOverlap() const;

    MappedFile m_file;                                  //!< the mapped file
    std::map<std::string, SafetensorsTensor> m_tensors; //!< validated entries
    std::map<std::string, std::string> m_metadata;      //!< "__metadata__"
};

} // namespace llm
} // namespace ns3

#endif // CE_LSLM_SAFETENSORS_FILE_H
