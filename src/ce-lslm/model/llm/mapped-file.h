#ifndef CE_LSLM_MAPPED_FILE_H
#define CE_LSLM_MAPPED_FILE_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace ns3
{
namespace llm
{

/**
 * \brief A read-only memory mapping of a whole file.
 *
 * Checkpoints can be gigabytes; mapping them lets the loader touch only the bytes of the tensors
 * it converts, and lets the OS share the pages between processes of a sweep. Move-only.
 */
class MappedFile
{
  public:
    /**
     * Map the file at path. Throws LlmError naming the path if it cannot be opened or mapped.
     * \param path the file
     */
    explicit MappedFile(const std::string& path);
    ~MappedFile();
    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    /// \return the first byte of the file (nullptr for an empty file)
    const uint8_t* Data() const;
    /// \return the size of the file in bytes
    std::size_t Size() const;
    /// \return the path the file was opened with
    const std::string& Path() const;

  private:
    void Release();

    std::string m_path;    //!< path as given
    const uint8_t* m_data; //!< mapping base, nullptr when empty
    std::size_t m_size;    //!< file size in bytes
};

} // namespace llm
} // namespace ns3

#endif // CE_LSLM_MAPPED_FILE_H
