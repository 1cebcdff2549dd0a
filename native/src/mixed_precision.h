// Mixed-precision (bfloat16 autocast) training pieces that libtorch 1.13 lacks or leaves to the caller.
// Header-only: included by graph_model.cc.
#pragma once

#include <ATen/Parallel.h>
#include <ATen/autocast_mode.h>
#include <torch/torch.h>

namespace osteon {

// Turns bfloat16 autocast on for the current thread (autocast state is thread-local) and restores the previous
// state on exit, clearing the cache of cast weights when the outermost region ends, as torch.autocast does.
class Bf16Autocast {
 public:
  Bf16Autocast(bool enabled, torch::Device device) : enabled_(enabled), cuda_(device.is_cuda()) {
    if (!enabled_) return;
    if (cuda_) {
      wasEnabled_ = at::autocast::is_enabled();
      previousType_ = at::autocast::get_autocast_gpu_dtype();
      at::autocast::set_enabled(true);
      at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    } else {
      wasEnabled_ = at::autocast::is_cpu_enabled();
      previousType_ = at::autocast::get_autocast_cpu_dtype();
      at::autocast::set_cpu_enabled(true);
      at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    }
    at::autocast::increment_nesting();
  }
  ~Bf16Autocast() {
    if (!enabled_) return;
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    if (cuda_) {
      at::autocast::set_enabled(wasEnabled_);
      at::autocast::set_autocast_gpu_dtype(previousType_);
    } else {
      at::autocast::set_cpu_enabled(wasEnabled_);
      at::autocast::set_autocast_cpu_dtype(previousType_);
    }
  }
  Bf16Autocast(const Bf16Autocast&) = delete;
  Bf16Autocast& operator=(const Bf16Autocast&) = delete;

 private:
  bool enabled_;
  bool cuda_;
  bool wasEnabled_ = false;
  at::ScalarType previousType_ = at::kBFloat16;
};

// The ReLU6 gradient from its output: the incoming gradient where 0 < y < 6, zero elsewhere. One pass over memory
// in the output's layout (channels-last stays channels-last).
inline torch::Tensor relu6GradientFromOutput(const torch::Tensor& grad, const torch::Tensor& output) {
  auto format = output.suggest_memory_format();
  auto y = output.contiguous(format);
  auto g = grad.to(y.scalar_type()).contiguous(format);
  auto result = torch::empty_like(y, y.options(), format);
  const auto* yData = y.data_ptr<at::BFloat16>();
  const auto* gData = g.data_ptr<at::BFloat16>();
  auto* out = result.data_ptr<at::BFloat16>();
  at::parallel_for(0, y.numel(), 16384, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      float v = static_cast<float>(yData[i]);
      out[i] = v > 0.f && v < 6.f ? gData[i] : at::BFloat16(0.f);
    }
  });
  return result;
}

// ReLU6 for bfloat16 CPU tensors. libtorch 1.13 has no bfloat16 kernel for hardtanh's backward
// ("hardshrink_backward_cpu not implemented for 'BFloat16'"), and clamp-based rewrites cost several passes.
// This keeps hardtanh's fast forward (in place when the caller allows it) and computes the gradient from the
// output in one pass, so nothing but the output is kept for backward.
class Relu6Bf16 : public torch::autograd::Function<Relu6Bf16> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, torch::Tensor x, bool inPlace) {
    torch::Tensor y;
    if (inPlace) {
      y = torch::hardtanh_(x, 0, 6);
      ctx->mark_dirty({x});
    } else {
      y = torch::hardtanh(x, 0, 6);
    }
    ctx->save_for_backward({y});
    return y;
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    auto y = ctx->get_saved_variables()[0];
    return {relu6GradientFromOutput(grads[0], y), torch::Tensor()};
  }
};

// ReLU6 in the input's precision: libtorch's own kernels for float32 (and on CUDA), Relu6Bf16 for bfloat16 on CPU.
inline torch::Tensor relu6(torch::Tensor x, bool inPlace) {
  if (x.scalar_type() == at::kBFloat16 && x.is_cpu()) return Relu6Bf16::apply(x, inPlace);
  return inPlace ? torch::hardtanh_(x, 0, 6) : torch::hardtanh(x, 0, 6);
}

}  // namespace osteon
