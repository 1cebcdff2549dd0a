#include "checkpoint.h"

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace osteon {

namespace {

StateDict fromDict(const c10::IValue& value, int depth) {
  if (!value.isGenericDict()) {
    throw std::runtime_error("the file does not hold a dictionary of tensors (a state_dict)");
  }
  StateDict out;
  c10::IValue nested;
  for (const auto& entry : value.toGenericDict()) {
    if (!entry.key().isString()) continue;
    const auto key = entry.key().toStringRef();
    if (entry.value().isTensor()) {
      out.emplace_back(key, entry.value().toTensor());
    } else if ((key == "state_dict" || key == "model") && entry.value().isGenericDict()) {
      nested = entry.value();
    }
  }
  if (out.empty() && !nested.isNone() && depth == 0) return fromDict(nested, depth + 1);
  if (out.empty()) throw std::runtime_error("the file's dictionary holds no tensors");
  return out;
}

}  // namespace

StateDict readTorchFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < 4 || bytes[0] != 'P' || bytes[1] != 'K') {
    throw std::runtime_error(path +
                             " is not a zip-format torch.save file (legacy PyTorch < 1.6 files are not supported: "
                             "re-save it with torch.save(torch.load(f), f) or convert it to safetensors)");
  }
  return fromDict(torch::pickle_load(bytes), 0);
}

void writeTorchFile(const std::string& path, const StateDict& state) {
  c10::Dict<std::string, torch::Tensor> dict;
  for (const auto& [name, tensor] : state) dict.insert(name, tensor.detach().cpu());
  auto bytes = torch::pickle_save(c10::IValue(dict));
  std::ofstream out(path, std::ios::binary);
  if (!out) throw std::runtime_error("cannot write " + path);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("failed writing " + path);
}

}  // namespace osteon
