#include "graph_model.h"

#include <torch/csrc/autograd/profiler_legacy.h>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "mixed_precision.h"

namespace osteon {

namespace {

bool isDecayed(const NamedTensor& t) {
  // Convolution and linear weights are decayed; batch-norm scales/shifts and biases are not.
  return t.tensor.dim() > 1;
}

// Kept with probability 1 - p and scaled by 1 / (1 - p), so the expected value is unchanged. Drawn on the CPU from
// the model's generator whatever the device, so one seed gives the same draws on every device.
torch::Tensor keepMask(std::vector<int64_t> shape, double p, at::Generator& generator, const torch::Tensor& like) {
  auto keep = 1.0 - p;
  auto mask = torch::empty(shape, torch::TensorOptions().dtype(torch::kFloat)).bernoulli_(keep, generator).div_(keep);
  return mask.to(like.device(), like.scalar_type());
}

// Distinct from the stream that initialises the weights, so the two never repeat each other's numbers.
uint64_t drawsSeed(uint64_t seed) { return seed ^ 0x9E3779B97F4A7C15ULL; }

}  // namespace

torch::Tensor GraphModel::dropout(const torch::Tensor& x, double p, bool training) {
  if (!training || p <= 0) return x;
  if (p >= 1) return torch::zeros_like(x);
  return x * keepMask(x.sizes().vec(), p, randomDraws_, x);
}

torch::Tensor GraphModel::stochasticDepth(const torch::Tensor& x, double p, bool training) {
  if (!training || p <= 0) return x;
  if (p >= 1) return torch::zeros_like(x);
  return x * keepMask({x.size(0), 1, 1, 1}, p, randomDraws_, x);
}

void GraphModel::seedRandomDraws(uint64_t seed) { randomDraws_ = at::detail::createCPUGenerator(drawsSeed(seed)); }

GraphModel::GraphModel(GraphDef def, torch::Device device, bool channelsLast, uint64_t seed, Precision precision)
    : def_(std::move(def)),
      device_(device),
      channelsLast_(channelsLast),
      precision_(precision),
      randomDraws_(at::detail::createCPUGenerator(drawsSeed(seed))) {
  for (auto& node : def_.nodes) {
    auto add = [&](const std::string& suffix, std::vector<int64_t> shape, bool isBuffer,
                   torch::ScalarType type = torch::kFloat) {
      tensors_.push_back({node.name + "." + suffix, torch::zeros(shape, torch::TensorOptions().dtype(type)), isBuffer});
      return static_cast<int>(tensors_.size() - 1);
    };
    switch (node.op) {
      case Op::Conv2d:
        node.weight = add("weight", {node.outChannels, node.inChannels / node.groups, node.kernel[0], node.kernel[1]}, false);
        if (node.bias) node.biasIndex = add("bias", {node.outChannels}, false);
        break;
      case Op::BatchNorm2d:
        node.weight = add("weight", {node.channels}, false);
        node.biasIndex = add("bias", {node.channels}, false);
        node.runningMean = add("running_mean", {node.channels}, true);
        node.runningVar = add("running_var", {node.channels}, true);
        node.batchesTracked = add("num_batches_tracked", {}, true, torch::kLong);
        break;
      case Op::Linear:
        node.weight = add("weight", {node.outFeatures, node.inFeatures}, false);
        if (node.bias) node.biasIndex = add("bias", {node.outFeatures}, false);
        break;
      default:
        break;
    }
  }
  initialise(seed);
  for (auto& t : tensors_) {
    t.tensor = t.tensor.to(device_);
    if (channelsLast_ && t.tensor.dim() == 4) t.tensor = t.tensor.contiguous(at::MemoryFormat::ChannelsLast);
    if (!t.isBuffer) t.tensor.set_requires_grad(true);
  }
  configureOptimizer(optimizerConfig_);
}

void GraphModel::initialise(uint64_t seed) {
  // torchvision's schemes: Kaiming convolutions (normal over fan-out, or uniform over fan-in: GraphDef.convInit),
  // unit batch norm, small uniform linear layers.
  torch::NoGradGuard noGrad;
  auto generator = at::detail::createCPUGenerator(seed);
  for (size_t i = 0; i < def_.nodes.size(); ++i) {
    auto& node = def_.nodes[i];
    switch (node.op) {
      case Op::Conv2d: {
        auto& w = tensors_[node.weight].tensor;
        if (static_cast<int>(i) == def_.head) {
          // A convolutional classifier followed by ReLU (SqueezeNet) starts with small weights and a positive
          // bias, so every class map begins above the ReLU's knee: with a zero bias an early step can push a
          // whole class map below zero, where no gradient ever reaches it again.
          w.normal_(0, 0.01, generator);
          if (node.biasIndex >= 0) tensors_[node.biasIndex].tensor.fill_(0.5);
          break;
        }
        double receptive = static_cast<double>(node.kernel[0] * node.kernel[1]);
        if (def_.convInit == "fan-in-uniform") {
          double bound = std::sqrt(6.0 / (static_cast<double>(node.inChannels / node.groups) * receptive));
          w.uniform_(-bound, bound, generator);
        } else {
          w.normal_(0, std::sqrt(2.0 / (static_cast<double>(node.outChannels / node.groups) * receptive)), generator);
        }
        break;
      }
      case Op::BatchNorm2d:
        tensors_[node.weight].tensor.fill_(1);
        tensors_[node.runningVar].tensor.fill_(1);
        break;
      case Op::Linear: {
        double bound = 1.0 / std::sqrt(static_cast<double>(node.inFeatures));
        tensors_[node.weight].tensor.uniform_(-bound, bound, generator);
        break;
      }
      default:
        break;
    }
  }
}

torch::Tensor GraphModel::prepareInput(const torch::Tensor& nhwc) const {
  auto nchw = nhwc.permute({0, 3, 1, 2}).to(device_);
  return channelsLast_ ? nchw.contiguous(at::MemoryFormat::ChannelsLast) : nchw.contiguous();
}

torch::Tensor GraphModel::runGraph(const std::vector<torch::Tensor>& params, const torch::Tensor& input,
                                   bool training, bool wantFeatures, torch::Tensor* features) {
  std::vector<torch::Tensor> values(def_.nodes.size());
  std::vector<int> remaining(def_.nodes.size());
  for (size_t i = 0; i < def_.nodes.size(); ++i) remaining[i] = def_.nodes[i].consumers;
  auto param = [&](int index) { return index < 0 ? torch::Tensor() : params[index]; };

  for (size_t i = 0; i < def_.nodes.size(); ++i) {
    const auto& node = def_.nodes[i];
    auto in = [&](int k) -> const torch::Tensor& { return values[node.inputs[k]]; };
    // An activation may overwrite its input when it is the input's only reader and the input's producer does not
    // need its own output for backward (convolution, batch norm, addition).
    auto canOverwrite = [&]() {
      const auto& producer = def_.nodes[node.inputs[0]];
      bool safeProducer = producer.op == Op::BatchNorm2d || producer.op == Op::Conv2d || producer.op == Op::Add;
      return safeProducer && producer.consumers == 1 && static_cast<int>(node.inputs[0]) != def_.featureMap;
    };
    torch::Tensor out;
    switch (node.op) {
      case Op::Input: out = input; break;
      case Op::Conv2d:
        out = torch::conv2d(in(0), param(node.weight), param(node.biasIndex), node.stride, node.padding, node.dilation,
                            node.groups);
        break;
      case Op::BatchNorm2d:
        if (training) {
          torch::NoGradGuard noGrad;
          params[node.batchesTracked].add_(1);
        }
        out = torch::batch_norm(in(0), param(node.weight), param(node.biasIndex), params[node.runningMean],
                                params[node.runningVar], training, node.momentum, node.eps, true);
        break;
      case Op::Linear: out = torch::linear(in(0), param(node.weight), param(node.biasIndex)); break;
      case Op::Relu: out = canOverwrite() ? torch::relu_(values[node.inputs[0]]) : torch::relu(in(0)); break;
      case Op::Relu6: out = relu6(values[node.inputs[0]], canOverwrite()); break;
      case Op::Silu: out = torch::silu(in(0)); break;
      case Op::Sigmoid: out = torch::sigmoid(in(0)); break;
      case Op::MaxPool2d:
        out = torch::max_pool2d(in(0), node.kernel, node.stride, node.padding, {1, 1}, node.ceilMode);
        break;
      case Op::AvgPool2d:
        out = torch::avg_pool2d(in(0), node.kernel, node.stride, node.padding, node.ceilMode, node.countIncludePad);
        break;
      case Op::GlobalAvgPool: out = torch::adaptive_avg_pool2d(in(0), {1, 1}); break;
      case Op::Flatten: out = in(0).flatten(1); break;
      case Op::Add: out = in(0) + in(1); break;
      case Op::Mul: out = in(0) * in(1); break;
      case Op::Concat: {
        std::vector<torch::Tensor> parts;
        for (size_t k = 0; k < node.inputs.size(); ++k) parts.push_back(in(static_cast<int>(k)));
        out = torch::cat(parts, 1);
        break;
      }
      case Op::Dropout: out = dropout(in(0), node.p, training); break;
      case Op::StochasticDepth: out = stochasticDepth(in(0), node.p, training); break;
    }
    values[i] = out;
    if (wantFeatures && static_cast<int>(i) == def_.featureMap && features) *features = out;
    // Free intermediate values as soon as their last reader ran (autograd keeps what backward needs).
    for (int input : node.inputs) {
      if (--remaining[input] == 0 && input != def_.output) values[input] = torch::Tensor();
    }
  }
  return values[def_.output];
}

std::pair<torch::Tensor, torch::Tensor> GraphModel::forward(const torch::Tensor& input, bool training,
                                                            bool wantFeatures) {
  std::vector<torch::Tensor> params;
  params.reserve(tensors_.size());
  for (auto& t : tensors_) params.push_back(t.tensor);
  torch::Tensor features;
  auto logits = runGraph(params, input, training, wantFeatures, &features);
  return {logits, features};
}

std::vector<torch::Tensor> GraphModel::trainableParameters(bool decayed) const {
  std::vector<torch::Tensor> out;
  for (const auto& t : tensors_) {
    if (t.isBuffer) continue;
    if (optimizerConfig_.decayNormAndBias || isDecayed(t) == decayed) out.push_back(t.tensor);
  }
  return out;
}

void GraphModel::configureOptimizer(const OptimizerConfig& config) {
  optimizerConfig_ = config;
  std::vector<torch::optim::OptimizerParamGroup> groups;
  auto decayed = trainableParameters(true);
  auto undecayed = config.decayNormAndBias ? std::vector<torch::Tensor>() : trainableParameters(false);
  if (config.type == "sgd") {
    auto options = [&](double wd) {
      return std::make_unique<torch::optim::SGDOptions>(
          torch::optim::SGDOptions(config.lr).momentum(config.momentum).nesterov(config.nesterov).weight_decay(wd));
    };
    groups.emplace_back(decayed, options(config.weightDecay));
    if (!undecayed.empty()) groups.emplace_back(undecayed, options(0));
    optimizer_ = std::make_unique<torch::optim::SGD>(groups, torch::optim::SGDOptions(config.lr));
  } else if (config.type == "adamw") {
    auto options = [&](double wd) {
      return std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(config.lr)
                                                               .betas({config.beta1, config.beta2})
                                                               .eps(config.eps)
                                                               .weight_decay(wd));
    };
    groups.emplace_back(decayed, options(config.weightDecay));
    if (!undecayed.empty()) groups.emplace_back(undecayed, options(0));
    optimizer_ = std::make_unique<torch::optim::AdamW>(groups, torch::optim::AdamWOptions(config.lr));
  } else {
    throw std::invalid_argument("unknown optimizer \"" + config.type + "\": use \"adamw\" or \"sgd\"");
  }
}

void GraphModel::configureLoss(const LossConfig& config) {
  if (config.labelSmoothing < 0 || config.labelSmoothing >= 1) {
    throw std::invalid_argument("labelSmoothing must be in [0, 1)");
  }
  if (!config.classWeights.empty() && static_cast<int64_t>(config.classWeights.size()) != def_.numClasses) {
    throw std::invalid_argument("classWeights needs one weight per class (" + std::to_string(def_.numClasses) + ")");
  }
  lossConfig_ = config;
  classWeights_ = config.classWeights.empty()
                      ? torch::Tensor()
                      : torch::tensor(config.classWeights, torch::kFloat).to(device_);
}

StepResult GraphModel::trainStep(const torch::Tensor& input, const torch::Tensor& target, double lr) {
  // OSTEON_PROFILE=trace.json records the ops of each step as a Chrome trace (for performance work).
  std::unique_ptr<torch::autograd::profiler::RecordProfile> profile;
  if (const char* trace = std::getenv("OSTEON_PROFILE")) {
    profile = std::make_unique<torch::autograd::profiler::RecordProfile>(std::string(trace));
  }
  for (auto& group : optimizer_->param_groups()) group.options().set_lr(lr);
  optimizer_->zero_grad();
  torch::Tensor logits;
  {
    Bf16Autocast autocast(precision_ == Precision::Bf16, device_);
    logits = forward(input, true, false).first;
  }
  // The loss, and everything after it, in float32 whatever the precision of the forward pass.
  logits = logits.to(torch::kFloat);
  auto targetOnDevice = target.to(device_);
  auto loss = torch::nn::functional::cross_entropy(
      logits, targetOnDevice,
      torch::nn::functional::CrossEntropyFuncOptions().weight(classWeights_).label_smoothing(lossConfig_.labelSmoothing));
  double lossValue = loss.item<double>();
  if (!std::isfinite(lossValue)) {
    throw std::runtime_error("the training loss became " + std::to_string(lossValue) +
                             ": lower the learning rate or check the input for NaN or infinite values");
  }
  loss.backward();
  optimizer_->step();
  average_.update(tensors_);
  torch::NoGradGuard noGrad;
  auto hard = targetOnDevice.dim() == 2 ? targetOnDevice.argmax(1) : targetOnDevice;
  StepResult result;
  result.loss = lossValue;
  result.correct = logits.argmax(1).eq(hard).sum().item<int64_t>();
  result.count = logits.size(0);
  return result;
}

void GraphModel::saveOptimizer(const std::string& path) { torch::save(*optimizer_, path); }

void GraphModel::loadOptimizer(const std::string& path) { torch::load(*optimizer_, path); }

int GraphModel::setFrozen(const std::vector<std::string>& prefixes, bool frozen) {
  int changed = 0;
  for (auto& t : tensors_) {
    if (t.isBuffer) continue;
    for (const auto& prefix : prefixes) {
      if (t.name.rfind(prefix, 0) == 0) {
        t.tensor.set_requires_grad(!frozen);
        if (frozen) t.tensor.mutable_grad() = torch::Tensor();
        ++changed;
        break;
      }
    }
  }
  return changed;
}

GradCheckResult GraphModel::gradCheck(const torch::Tensor& input, bool training, int samples, uint64_t seed) {
  auto generator = at::detail::createCPUGenerator(seed);
  std::vector<torch::Tensor> params;
  for (auto& t : tensors_) {
    auto copy = t.tensor.detach().to(torch::kCPU).contiguous().clone();
    if (copy.is_floating_point()) copy = copy.to(torch::kDouble);
    if (!t.isBuffer) copy.set_requires_grad(true);
    params.push_back(copy);
  }
  auto x = input.detach().to(torch::kCPU).to(torch::kDouble).contiguous().set_requires_grad(true);
  torch::Tensor probe;
  // Batch-norm buffers change in training mode; restore them before every evaluation so each sees the same state.
  std::vector<torch::Tensor> buffers;
  for (size_t i = 0; i < params.size(); ++i) buffers.push_back(params[i].detach().clone());
  auto restoreBuffers = [&]() {
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < params.size(); ++i)
      if (tensors_[i].isBuffer) params[i].copy_(buffers[i]);
  };
  auto objective = [&]() {
    restoreBuffers();
    auto out = runGraph(params, x, training, false, nullptr);
    if (!probe.defined()) probe = torch::randn(out.sizes(), generator, torch::TensorOptions().dtype(torch::kDouble));
    return (out * probe).sum();
  };
  auto value = objective();
  value.backward();

  GradCheckResult result;
  const double h = 1e-6;
  auto check = [&](torch::Tensor& tensor) {
    auto flat = tensor.detach().view({-1});
    auto grad = tensor.grad().defined() ? tensor.grad().reshape({-1}) : torch::zeros_like(flat);
    int64_t n = flat.numel();
    for (int s = 0; s < samples && n > 0; ++s) {
      int64_t index = torch::randint(n, {1}, generator).item<int64_t>();
      double original = flat[index].item<double>();
      torch::NoGradGuard noGrad;
      flat[index] = original + h;
      double plus = objective().item<double>();
      flat[index] = original - h;
      double minus = objective().item<double>();
      flat[index] = original;
      double numeric = (plus - minus) / (2 * h);
      double analytic = grad[index].item<double>();
      double error = std::abs(numeric - analytic) / std::max({1.0, std::abs(numeric), std::abs(analytic)});
      result.maxRelativeError = std::max(result.maxRelativeError, error);
      ++result.checked;
    }
  };
  check(x);
  for (size_t i = 0; i < params.size(); ++i)
    if (!tensors_[i].isBuffer) check(params[i]);
  return result;
}

}  // namespace osteon
