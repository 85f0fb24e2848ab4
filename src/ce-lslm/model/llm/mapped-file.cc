#include "mapped-file.h"

#include "llm-error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace ns3
{
namespace llm
{

MappedFile::MappedFile(const std::string& path)
    : m_path(path)
    , m_data(nullptr)
    , m_size(0)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
    {
        throw LlmError(path + ": cannot open: " + std::strerror(errno));
    }
    struct stat info;
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode))
    {
        ::close(fd);
        throw LlmError(path + ": not a regular file");
    }
    m_size = static_cast<std::size_t>(info.st_size);
    if (m_size > 0)
    {
        void* mapping = ::mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (mapping == MAP_FAILED)
        {
            const int error = errno;
            ::close(fd);
            throw LlmError(path + ": cannot map: " + std::strerror(error));
        }
        m_data = static_cast<const uint8_t*>(mapping);
    }
    ::close(fd); // the mapping keeps the file alive
}

MappedFile::~MappedFile()
{
    Release();
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : m_path(std::move(other.m_path))
    , m_data(std::exchange(other.m_data, nullptr))
    , m_size(std::exchange(other.m_size, 0))
{
}

MappedFile&
MappedFile::operator=(MappedFile&& other) noexcept
{
    if (this != &other)
    {
        Release();
        m_path = std::move(other.m_path);
        m_data = std::exchange(other.m_data, nullptr);
        m_size = std::exchange(other.m_size, 0);
    }
    return *this;
}

void
MappedFile::Release()
{
    if (m_data != nullptr)
    {
        ::munmap(const_cast<uint8_t*>(m_data), m_size);
        m_data = nullptr;
    }
}

const uint8_t*
MappedFile::Data() const
{
    return m_data;
}

std::size_t
MappedFile::Size() const
{
    return m_size;
}

const std::string&
MappedFile::Path() const
{
    return m_path;
}

} // namespace llm
} // namespace ns3
