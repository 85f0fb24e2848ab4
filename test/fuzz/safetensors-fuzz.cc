/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Fuzz target: the model files the kernel loads. An input that starts with '{' is the text of an
// HF config.json (ModelConfig::Parse, then everything derived from the config); any other input
// is a .safetensors file, opened by llm::SafetensorsFile from a temporary file (the loader maps a
// path), each tensor's entry then read and, for float dtypes, converted. llm::LlmError is the
// expected refusal; anything else escapes and is a finding.

#include "fuzz-support.h"

#include "ns3/llm-error.h"
#include "ns3/model-config.h"
#include "ns3/safetensors-file.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>
#include <vector>

namespace
{

using namespace ns3::llm;

/// The temporary file the inputs are written to: one per process, removed at exit.
const std::string&
InputPath()
{
    static const std::string path = []
    {
        const char* directory = std::getenv("TMPDIR");
        std::string name = std::string(directory ? directory : "/tmp") + "/safetensors-fuzz-XXXXXX";
        const int fd = ::mkstemp(name.data());
        if (fd < 0)
        {
            std::perror("safetensors-fuzz: mkstemp");
            std::abort();
        }
        ::close(fd);
        static std::string removed;
        removed = name;
        std::atexit(
            []
            {
                std::remove(removed.c_str());
            });
        return name;
    }();
    return path;
}

void
WriteInput(const uint8_t* data, size_t size)
{
    std::FILE* file = std::fopen(InputPath().c_str(), "wb");
    if (!file || std::fwrite(data, 1, size, file) != size || std::fclose(file) != 0)
    {
        std::perror("safetensors-fuzz: writing the input");
        std::abort();
    }
}

void
ReadSafetensors(const uint8_t* data, size_t size)
{
    WriteInput(data, size);
    const SafetensorsFile file(InputPath());
    for (const auto& [name, tensor] : file.Tensors())
    {
        tensor.ShapeText();
        const int64_t elements = tensor.Elements();
        if (static_cast<uint64_t>(elements) * tensor.elementBytes != tensor.byteCount)
        {
            __builtin_trap(); // the loader let through a tensor its bytes do not hold
        }
        if (tensor.dtype == "F32" || tensor.dtype == "F16" || tensor.dtype == "BF16")
        {
            std::vector<float> values(static_cast<std::size_t>(elements));
            file.ReadFloats(name, values.data());
        }
    }
    file.Metadata();
}

void
ReadModelConfig(const uint8_t* data, size_t size)
{
    const ModelConfig config =
        ModelConfig::Parse(std::string(reinterpret_cast<const char*>(data), size), "config.json");
    // What the kernel derives from a config before it allocates anything.
    config.QueryDim();
    config.KvDim();
    config.GroupSize();
    config.ParameterCount();
    ModelConfig::Parse(config.ToJson(), "config.json (written back)");
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    try
    {
        if (size > 0 && data[0] == '{')
        {
            ReadModelConfig(data, size);
        }
        else
        {
            ReadSafetensors(data, size);
        }
    }
    catch (const LlmError& error)
    {
        ce_lslm_fuzz::Refused(error.what());
    }
    return 0;
}
