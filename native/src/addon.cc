// N-API face of the libtorch engine. Long calls run on libuv's thread pool and resolve promises; tensors and
// gradients stay native, only inputs, logits and saved weights cross into JavaScript.
#include <napi.h>
#include <torch/torch.h>

#include <atomic>
#include <cmath>
#include <functional>
#include <map>
#include <memory>

#include "checkpoint.h"
#include "graph_model.h"

namespace osteon {
namespace {

// ---------- helpers ----------

std::string errorText(const std::exception& e) {
  // libtorch appends a C++ backtrace to what(); users need the message only.
  const auto* torchError = dynamic_cast<const c10::Error*>(&e);
  std::string text = torchError ? torchError->what_without_backtrace() : e.what();
  for (const char* marker : {"\nException raised from", "\nframe #"}) {
    auto cut = text.find(marker);
    if (cut != std::string::npos) text = text.substr(0, cut);
  }
  if (text.find("can't allocate memory") != std::string::npos || text.find("not enough memory") != std::string::npos) {
    text = "out of memory: " + text + " (lower the batch size or the input size)";
  }
  return text;
}

// OpenMP's thread count is per calling thread: each libuv worker that runs native work must apply it itself.
std::atomic<int> intraOpThreads{0};

void applyThreadCount() {
  int wanted = intraOpThreads.load();
  if (wanted > 0 && torch::get_num_threads() != wanted) torch::set_num_threads(wanted);
}

class PromiseWorker : public Napi::AsyncWorker {
 public:
  using ExecuteFn = std::function<void()>;
  using ResolveFn = std::function<Napi::Value(Napi::Env)>;
  PromiseWorker(Napi::Env env, ExecuteFn execute, ResolveFn resolve)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), execute_(std::move(execute)),
        resolve_(std::move(resolve)) {}
  Napi::Promise promise() { return deferred_.Promise(); }
  void Execute() override {
    try {
      applyThreadCount();
      execute_();
    } catch (const std::exception& e) {
      SetError(errorText(e));
    } catch (...) {
      SetError("unknown native error");
    }
  }
  void OnOK() override {
    Napi::HandleScope scope(Env());
    try {
      deferred_.Resolve(resolve_(Env()));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  ExecuteFn execute_;
  ResolveFn resolve_;
};

Napi::Value runAsync(Napi::Env env, PromiseWorker::ExecuteFn execute, PromiseWorker::ResolveFn resolve) {
  auto* worker = new PromiseWorker(env, std::move(execute), std::move(resolve));
  auto promise = worker->promise();
  worker->Queue();
  return promise;
}

std::vector<int64_t> readInts(const Napi::Value& value, const char* what) {
  if (!value.IsArray()) throw Napi::TypeError::New(value.Env(), std::string(what) + " must be an array of integers");
  auto array = value.As<Napi::Array>();
  std::vector<int64_t> out;
  for (uint32_t i = 0; i < array.Length(); ++i) {
    Napi::Value v = array[i];
    if (!v.IsNumber()) throw Napi::TypeError::New(value.Env(), std::string(what) + " must be an array of integers");
    out.push_back(v.As<Napi::Number>().Int64Value());
  }
  return out;
}

double numberOr(const Napi::Object& o, const char* key, double fallback) {
  return o.Has(key) && o.Get(key).IsNumber() ? o.Get(key).As<Napi::Number>().DoubleValue() : fallback;
}

bool boolOr(const Napi::Object& o, const char* key, bool fallback) {
  return o.Has(key) && o.Get(key).IsBoolean() ? o.Get(key).As<Napi::Boolean>().Value() : fallback;
}

std::string stringOr(const Napi::Object& o, const char* key, const std::string& fallback) {
  return o.Has(key) && o.Get(key).IsString() ? o.Get(key).As<Napi::String>().Utf8Value() : fallback;
}

Op parseOp(Napi::Env env, const std::string& name) {
  static const std::map<std::string, Op> ops = {
      {"input", Op::Input},         {"conv2d", Op::Conv2d},       {"batchnorm2d", Op::BatchNorm2d},
      {"linear", Op::Linear},       {"relu", Op::Relu},           {"relu6", Op::Relu6},
      {"silu", Op::Silu},           {"sigmoid", Op::Sigmoid},     {"maxpool2d", Op::MaxPool2d},
      {"avgpool2d", Op::AvgPool2d}, {"global_avgpool", Op::GlobalAvgPool}, {"flatten", Op::Flatten},
      {"add", Op::Add},             {"mul", Op::Mul},             {"concat", Op::Concat},
      {"dropout", Op::Dropout},     {"stochastic_depth", Op::StochasticDepth}};
  auto it = ops.find(name);
  if (it == ops.end()) throw Napi::TypeError::New(env, "unknown graph op \"" + name + "\"");
  return it->second;
}

GraphDef parseGraph(const Napi::Object& g) {
  auto env = g.Env();
  GraphDef def;
  def.arch = stringOr(g, "arch", "model");
  def.inputChannels = static_cast<int64_t>(numberOr(g, "inputChannels", 3));
  def.numClasses = static_cast<int64_t>(numberOr(g, "numClasses", 2));
  def.minInputSize = static_cast<int64_t>(numberOr(g, "minInputSize", 1));
  def.convInit = stringOr(g, "convInit", "fan-out-normal");
  if (def.convInit != "fan-out-normal" && def.convInit != "fan-in-uniform") {
    throw Napi::TypeError::New(env, "graph.convInit must be fan-out-normal or fan-in-uniform, got " + def.convInit);
  }
  if (!g.Get("nodes").IsArray()) throw Napi::TypeError::New(env, "graph.nodes must be an array");
  auto nodes = g.Get("nodes").As<Napi::Array>();
  std::map<std::string, int> index;
  for (uint32_t i = 0; i < nodes.Length(); ++i) {
    auto n = nodes.Get(i).As<Napi::Object>();
    NodeDef node;
    node.name = stringOr(n, "name", "");
    node.op = parseOp(env, stringOr(n, "op", ""));
    auto inputs = n.Get("inputs").As<Napi::Array>();
    for (uint32_t k = 0; k < inputs.Length(); ++k) {
      auto name = inputs.Get(k).As<Napi::String>().Utf8Value();
      auto found = index.find(name);
      if (found == index.end()) {
        throw Napi::TypeError::New(env, "graph node \"" + node.name + "\" reads unknown value \"" + name + "\"");
      }
      node.inputs.push_back(found->second);
    }
    if (n.Has("attrs") && n.Get("attrs").IsObject()) {
      auto a = n.Get("attrs").As<Napi::Object>();
      node.inChannels = static_cast<int64_t>(numberOr(a, "inChannels", 0));
      node.outChannels = static_cast<int64_t>(numberOr(a, "outChannels", 0));
      node.groups = static_cast<int64_t>(numberOr(a, "groups", 1));
      if (a.Has("kernel")) node.kernel = readInts(a.Get("kernel"), "kernel");
      if (a.Has("stride")) node.stride = readInts(a.Get("stride"), "stride");
      if (a.Has("padding")) node.padding = readInts(a.Get("padding"), "padding");
      node.dilation = a.Has("dilation") ? readInts(a.Get("dilation"), "dilation") : std::vector<int64_t>{1, 1};
      node.bias = boolOr(a, "bias", false);
      node.ceilMode = boolOr(a, "ceilMode", false);
      node.countIncludePad = boolOr(a, "countIncludePad", true);
      node.channels = static_cast<int64_t>(numberOr(a, "channels", 0));
      node.eps = numberOr(a, "eps", 1e-5);
      node.momentum = numberOr(a, "momentum", 0.1);
      node.inFeatures = static_cast<int64_t>(numberOr(a, "inFeatures", 0));
      node.outFeatures = static_cast<int64_t>(numberOr(a, "outFeatures", 0));
      node.p = numberOr(a, "p", 0);
    }
    for (int input : node.inputs) def.nodes[input].consumers++;
    index[node.name] = static_cast<int>(def.nodes.size());
    def.nodes.push_back(node);
  }
  auto role = [&](const char* key) {
    auto name = stringOr(g, key, "");
    auto found = index.find(name);
    if (found == index.end()) throw Napi::TypeError::New(env, std::string("graph.") + key + " names no node");
    return found->second;
  };
  def.input = role("input");
  def.output = role("output");
  def.featureMap = role("featureMap");
  def.head = role("head");
  def.nodes[def.output].consumers++;  // the output is read by the caller
  return def;
}

// Copies an NHWC Float32Array into a tensor, checking it against the model's expectations.
torch::Tensor readImageBatch(const Napi::Value& data, const Napi::Value& shapeValue, const GraphDef& graph) {
  auto env = data.Env();
  if (!data.IsTypedArray() || data.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw Napi::TypeError::New(env, "input must be a Float32Array in NHWC (channels-last) order");
  }
  auto shape = readInts(shapeValue, "shape");
  if (shape.size() != 4) throw Napi::TypeError::New(env, "shape must be [N, H, W, C]");
  auto array = data.As<Napi::Float32Array>();
  int64_t expected = shape[0] * shape[1] * shape[2] * shape[3];
  if (shape[0] < 1 || static_cast<int64_t>(array.ElementLength()) != expected) {
    throw Napi::RangeError::New(env, "input holds " + std::to_string(array.ElementLength()) +
                                         " values but shape [N,H,W,C] needs " + std::to_string(expected));
  }
  if (shape[3] != graph.inputChannels) {
    throw Napi::RangeError::New(env, "the model takes " + std::to_string(graph.inputChannels) +
                                         " input channel(s), the input has " + std::to_string(shape[3]));
  }
  if (shape[1] < graph.minInputSize || shape[2] < graph.minInputSize) {
    throw Napi::RangeError::New(env, graph.arch + " needs inputs of at least " + std::to_string(graph.minInputSize) +
                                         "x" + std::to_string(graph.minInputSize) + " pixels");
  }
  auto tensor = torch::from_blob(array.Data(), shape, torch::kFloat).clone();
  if (!torch::isfinite(tensor).all().item<bool>()) {
    throw Napi::RangeError::New(env, "input contains NaN or infinite values");
  }
  return tensor;
}

Napi::Value tensorToJs(Napi::Env env, const torch::Tensor& source) {
  auto t = source.detach().to(torch::kCPU).contiguous();
  auto result = Napi::Object::New(env);
  auto shape = Napi::Array::New(env, t.dim());
  for (int64_t i = 0; i < t.dim(); ++i) shape.Set(static_cast<uint32_t>(i), Napi::Number::New(env, t.size(i)));
  result.Set("shape", shape);
  if (t.scalar_type() == torch::kLong) {
    auto buffer = Napi::ArrayBuffer::New(env, t.numel() * sizeof(int64_t));
    std::memcpy(buffer.Data(), t.data_ptr<int64_t>(), t.numel() * sizeof(int64_t));
    napi_value typed;
    napi_create_typedarray(env, napi_bigint64_array, t.numel(), buffer, 0, &typed);
    result.Set("dtype", "int64");
    result.Set("data", Napi::Value(env, typed));
  } else {
    auto f = t.to(torch::kFloat).contiguous();
    auto array = Napi::Float32Array::New(env, f.numel());
    std::memcpy(array.Data(), f.data_ptr<float>(), f.numel() * sizeof(float));
    result.Set("dtype", "float32");
    result.Set("data", array);
  }
  return result;
}

// Reads {shape, data: Float32Array | BigInt64Array} into a CPU tensor.
torch::Tensor tensorFromJs(const Napi::Object& o, const std::string& name) {
  auto env = o.Env();
  auto shape = readInts(o.Get("shape"), "shape");
  auto data = o.Get("data");
  if (!data.IsTypedArray()) throw Napi::TypeError::New(env, name + ": data must be a typed array");
  auto typed = data.As<Napi::TypedArray>();
  int64_t numel = 1;
  for (auto d : shape) numel *= d;
  if (static_cast<int64_t>(typed.ElementLength()) != numel) {
    throw Napi::RangeError::New(env, name + ": data length does not match its shape");
  }
  void* base = static_cast<uint8_t*>(typed.ArrayBuffer().Data()) + typed.ByteOffset();
  switch (typed.TypedArrayType()) {
    case napi_float32_array: return torch::from_blob(base, shape, torch::kFloat).clone();
    case napi_bigint64_array: return torch::from_blob(base, shape, torch::kLong).clone();
    case napi_float64_array: return torch::from_blob(base, shape, torch::kDouble).clone();
    default: throw Napi::TypeError::New(env, name + ": data must be a Float32Array, Float64Array or BigInt64Array");
  }
}

Napi::Object stateDictToJs(Napi::Env env, const StateDict& state) {
  auto out = Napi::Object::New(env);
  for (const auto& [name, tensor] : state) out.Set(name, tensorToJs(env, tensor));
  return out;
}

// ---------- Model ----------

class Model : public Napi::ObjectWrap<Model> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Model",
                       {InstanceMethod("trainStep", &Model::TrainStep), InstanceMethod("predict", &Model::Predict),
                        InstanceMethod("configureOptimizer", &Model::ConfigureOptimizer),
                        InstanceMethod("configureLoss", &Model::ConfigureLoss),
                        InstanceMethod("stateDict", &Model::StateDictMethod),
                        InstanceMethod("loadStateDict", &Model::LoadStateDict),
                        InstanceMethod("saveOptimizer", &Model::SaveOptimizer),
                        InstanceMethod("loadOptimizer", &Model::LoadOptimizer),
                        InstanceMethod("setFrozen", &Model::SetFrozen),
                        InstanceMethod("configureAveraging", &Model::ConfigureAveraging),
                        InstanceMethod("swapAveraged", &Model::SwapAveraged),
                        InstanceMethod("seedRandomDraws", &Model::SeedRandomDraws),
                        InstanceMethod("gradCheck", &Model::GradCheck)});
  }

  explicit Model(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Model>(info) {
    auto env = info.Env();
    if (!info[0].IsObject()) throw Napi::TypeError::New(env, "new Model(graph, options): graph must be an object");
    auto options = info[1].IsObject() ? info[1].As<Napi::Object>() : Napi::Object::New(env);
    auto deviceName = stringOr(options, "device", "cpu");
    if (deviceName != "cpu" && deviceName != "cuda") {
      throw Napi::TypeError::New(env, "device must be \"cpu\" or \"cuda\"");
    }
    if (deviceName == "cuda" && !torch::cuda::is_available()) {
      throw Napi::Error::New(env,
                             "device \"cuda\" asked for, but this libtorch has no CUDA support or no GPU is visible: "
                             "rebuild Osteon with LIBTORCH_DIR pointing at a CUDA build of libtorch");
    }
    auto precisionName = stringOr(options, "precision", "fp32");
    if (precisionName != "fp32" && precisionName != "bf16") {
      throw Napi::TypeError::New(env, "precision must be \"fp32\" or \"bf16\"");
    }
    try {
      model_ = std::make_shared<GraphModel>(parseGraph(info[0].As<Napi::Object>()),
                                            torch::Device(deviceName == "cuda" ? torch::kCUDA : torch::kCPU),
                                            boolOr(options, "channelsLast", true),
                                            static_cast<uint64_t>(numberOr(options, "seed", 0)),
                                            precisionName == "bf16" ? Precision::Bf16 : Precision::Fp32);
    } catch (const Napi::Error&) {
      throw;
    } catch (const std::exception& e) {
      throw Napi::Error::New(env, errorText(e));
    }
  }

 private:
  // trainStep(input: Float32Array NHWC, shape, target: Int32Array [N] | Float32Array [N*classes], lr)
  Napi::Value TrainStep(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    const auto& graph = model_->graph();
    auto input = readImageBatch(info[0], info[1], graph);
    int64_t n = input.size(0);
    torch::Tensor target;
    if (info[2].IsTypedArray() && info[2].As<Napi::TypedArray>().TypedArrayType() == napi_int32_array) {
      auto labels = info[2].As<Napi::Int32Array>();
      if (static_cast<int64_t>(labels.ElementLength()) != n) {
        throw Napi::RangeError::New(env, "labels must hold one class index per image");
      }
      target = torch::from_blob(labels.Data(), {n}, torch::kInt).to(torch::kLong);
      if (target.min().item<int64_t>() < 0 || target.max().item<int64_t>() >= graph.numClasses) {
        throw Napi::RangeError::New(env, "labels must lie in [0, " + std::to_string(graph.numClasses) + ")");
      }
    } else if (info[2].IsTypedArray() && info[2].As<Napi::TypedArray>().TypedArrayType() == napi_float32_array) {
      auto probabilities = info[2].As<Napi::Float32Array>();
      if (static_cast<int64_t>(probabilities.ElementLength()) != n * graph.numClasses) {
        throw Napi::RangeError::New(env, "soft targets must hold N x classes probabilities");
      }
      target = torch::from_blob(probabilities.Data(), {n, graph.numClasses}, torch::kFloat).clone();
    } else {
      throw Napi::TypeError::New(env, "target must be an Int32Array of labels or a Float32Array of class probabilities");
    }
    if (!info[3].IsNumber()) throw Napi::TypeError::New(env, "lr must be a number");
    double lr = info[3].As<Napi::Number>().DoubleValue();
    auto model = model_;
    auto result = std::make_shared<StepResult>();
    return runAsync(
        env,
        [model, input, target, lr, result]() {
          std::lock_guard<std::mutex> lock(model->mutex);
          *result = model->trainStep(model->prepareInput(input), target, lr);
        },
        [result](Napi::Env env) {
          auto o = Napi::Object::New(env);
          o.Set("loss", result->loss);
          o.Set("correct", static_cast<double>(result->correct));
          o.Set("count", static_cast<double>(result->count));
          return o;
        });
  }

  // predict(input, shape, {features?: boolean, training?: boolean}) -> {logits, features?}
  Napi::Value Predict(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    auto input = readImageBatch(info[0], info[1], model_->graph());
    auto options = info[2].IsObject() ? info[2].As<Napi::Object>() : Napi::Object::New(env);
    bool wantFeatures = boolOr(options, "features", false);
    bool training = boolOr(options, "training", false);
    auto model = model_;
    auto outputs = std::make_shared<std::pair<torch::Tensor, torch::Tensor>>();
    return runAsync(
        env,
        [model, input, wantFeatures, training, outputs]() {
          std::lock_guard<std::mutex> lock(model->mutex);
          torch::NoGradGuard noGrad;
          auto result = model->forward(model->prepareInput(input), training, wantFeatures);
          outputs->first = result.first.to(torch::kCPU);
          if (wantFeatures) outputs->second = result.second.to(torch::kCPU).contiguous();
        },
        [outputs, wantFeatures](Napi::Env env) {
          auto o = Napi::Object::New(env);
          o.Set("logits", tensorToJs(env, outputs->first));
          if (wantFeatures) o.Set("features", tensorToJs(env, outputs->second));
          return o;
        });
  }

  Napi::Value ConfigureOptimizer(const Napi::CallbackInfo& info) {
    auto o = info[0].IsObject() ? info[0].As<Napi::Object>() : Napi::Object::New(info.Env());
    OptimizerConfig c;
    c.type = stringOr(o, "type", c.type);
    c.lr = numberOr(o, "lr", c.lr);
    c.momentum = numberOr(o, "momentum", c.momentum);
    c.weightDecay = numberOr(o, "weightDecay", c.weightDecay);
    c.beta1 = numberOr(o, "beta1", c.beta1);
    c.beta2 = numberOr(o, "beta2", c.beta2);
    c.eps = numberOr(o, "eps", c.eps);
    c.nesterov = boolOr(o, "nesterov", c.nesterov);
    c.decayNormAndBias = boolOr(o, "decayNormAndBias", c.decayNormAndBias);
    guarded(info.Env(), [&] { model_->configureOptimizer(c); });
    return info.Env().Undefined();
  }

  Napi::Value ConfigureLoss(const Napi::CallbackInfo& info) {
    auto o = info[0].IsObject() ? info[0].As<Napi::Object>() : Napi::Object::New(info.Env());
    LossConfig c;
    c.labelSmoothing = numberOr(o, "labelSmoothing", 0);
    if (o.Has("classWeights") && o.Get("classWeights").IsArray()) {
      auto w = o.Get("classWeights").As<Napi::Array>();
      for (uint32_t i = 0; i < w.Length(); ++i) c.classWeights.push_back(w.Get(i).As<Napi::Number>().DoubleValue());
    }
    guarded(info.Env(), [&] { model_->configureLoss(c); });
    return info.Env().Undefined();
  }

  Napi::Value StateDictMethod(const Napi::CallbackInfo& info) {
    std::lock_guard<std::mutex> lock(model_->mutex);
    StateDict state;
    for (const auto& t : model_->tensors()) state.emplace_back(t.name, t.tensor);
    return stateDictToJs(info.Env(), state);
  }

  // loadStateDict(state, {skip?: string[]}) copies every tensor whose name and shape match; reports the rest.
  Napi::Value LoadStateDict(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    if (!info[0].IsObject()) throw Napi::TypeError::New(env, "loadStateDict(state): state must be an object");
    auto state = info[0].As<Napi::Object>();
    std::lock_guard<std::mutex> lock(model_->mutex);
    auto missing = Napi::Array::New(env);
    auto mismatched = Napi::Array::New(env);
    auto unexpected = Napi::Array::New(env);
    std::map<std::string, bool> known;
    torch::NoGradGuard noGrad;
    for (auto& t : model_->tensors()) {
      known[t.name] = true;
      if (!state.Has(t.name)) {
        missing.Set(missing.Length(), t.name);
        continue;
      }
      auto source = tensorFromJs(state.Get(t.name).As<Napi::Object>(), t.name);
      if (source.sizes() != t.tensor.sizes()) {
        auto entry = Napi::Object::New(env);
        entry.Set("name", t.name);
        entry.Set("expected", tensorShape(env, t.tensor));
        entry.Set("got", tensorShape(env, source));
        mismatched.Set(mismatched.Length(), entry);
        continue;
      }
      t.tensor.copy_(source.to(t.tensor.scalar_type()));
    }
    auto names = state.GetPropertyNames();
    for (uint32_t i = 0; i < names.Length(); ++i) {
      auto name = names.Get(i).As<Napi::String>().Utf8Value();
      if (!known.count(name)) unexpected.Set(unexpected.Length(), name);
    }
    auto report = Napi::Object::New(env);
    report.Set("missing", missing);
    report.Set("unexpected", unexpected);
    report.Set("mismatched", mismatched);
    return report;
  }

  Napi::Value SaveOptimizer(const Napi::CallbackInfo& info) { return optimizerFile(info, &GraphModel::saveOptimizer); }

  Napi::Value LoadOptimizer(const Napi::CallbackInfo& info) { return optimizerFile(info, &GraphModel::loadOptimizer); }

  // Runs a save or load of the optimizer state at info[0]'s path off the event loop.
  Napi::Value optimizerFile(const Napi::CallbackInfo& info, void (GraphModel::*operation)(const std::string&)) {
    auto path = info[0].As<Napi::String>().Utf8Value();
    auto model = model_;
    return runAsync(
        info.Env(),
        [model, path, operation]() {
          std::lock_guard<std::mutex> lock(model->mutex);
          ((*model).*operation)(path);
        },
        [](Napi::Env env) { return env.Undefined(); });
  }

  Napi::Value SetFrozen(const Napi::CallbackInfo& info) {
    auto prefixes = info[0].As<Napi::Array>();
    std::vector<std::string> list;
    for (uint32_t i = 0; i < prefixes.Length(); ++i) list.push_back(prefixes.Get(i).As<Napi::String>().Utf8Value());
    bool frozen = info[1].IsBoolean() ? info[1].As<Napi::Boolean>().Value() : true;
    std::lock_guard<std::mutex> lock(model_->mutex);
    return Napi::Number::New(info.Env(), model_->setFrozen(list, frozen));
  }

  // configureAveraging({decay, steps?}) -> undefined
  Napi::Value ConfigureAveraging(const Napi::CallbackInfo& info) {
    auto o = info[0].IsObject() ? info[0].As<Napi::Object>() : Napi::Object::New(info.Env());
    double decay = numberOr(o, "decay", 0);
    auto steps = static_cast<int64_t>(numberOr(o, "steps", 0));
    std::lock_guard<std::mutex> lock(model_->mutex);
    guarded(info.Env(), [&] { model_->configureAveraging(decay, steps); });
    return info.Env().Undefined();
  }

  // seedRandomDraws(seed) -> undefined
  Napi::Value SeedRandomDraws(const Napi::CallbackInfo& info) {
    if (!info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), "seedRandomDraws(seed): seed must be a number");
    double seed = info[0].As<Napi::Number>().DoubleValue();
    if (!(seed >= 0) || seed > 9007199254740991.0 || std::floor(seed) != seed) {
      throw Napi::RangeError::New(info.Env(), "seedRandomDraws(seed): seed must be a whole number from 0 to 2^53 - 1");
    }
    std::lock_guard<std::mutex> lock(model_->mutex);
    model_->seedRandomDraws(static_cast<uint64_t>(seed));
    return info.Env().Undefined();
  }

  // swapAveraged() -> the number of steps the average holds
  Napi::Value SwapAveraged(const Napi::CallbackInfo& info) {
    std::lock_guard<std::mutex> lock(model_->mutex);
    guarded(info.Env(), [&] { model_->swapAveraged(); });
    return Napi::Number::New(info.Env(), static_cast<double>(model_->averagedSteps()));
  }

  // gradCheck(input NHWC, shape, {training, samples, seed}) -> {maxRelativeError, checked}
  Napi::Value GradCheck(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    auto input = readImageBatch(info[0], info[1], model_->graph()).permute({0, 3, 1, 2}).contiguous();
    auto options = info[2].IsObject() ? info[2].As<Napi::Object>() : Napi::Object::New(env);
    bool training = boolOr(options, "training", false);
    int samples = static_cast<int>(numberOr(options, "samples", 4));
    auto seed = static_cast<uint64_t>(numberOr(options, "seed", 0));
    auto model = model_;
    auto result = std::make_shared<GradCheckResult>();
    return runAsync(
        env,
        [model, input, training, samples, seed, result]() {
          std::lock_guard<std::mutex> lock(model->mutex);
          *result = model->gradCheck(input, training, samples, seed);
        },
        [result](Napi::Env env) {
          auto o = Napi::Object::New(env);
          o.Set("maxRelativeError", result->maxRelativeError);
          o.Set("checked", static_cast<double>(result->checked));
          return o;
        });
  }

  static Napi::Array tensorShape(Napi::Env env, const torch::Tensor& t) {
    auto shape = Napi::Array::New(env, t.dim());
    for (int64_t i = 0; i < t.dim(); ++i) shape.Set(static_cast<uint32_t>(i), Napi::Number::New(env, t.size(i)));
    return shape;
  }

  template <typename F>
  static void guarded(Napi::Env env, F&& f) {
    try {
      f();
    } catch (const std::exception& e) {
      throw Napi::Error::New(env, errorText(e));
    }
  }

  std::shared_ptr<GraphModel> model_;
};

// ---------- module functions ----------

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  int n = info[0].As<Napi::Number>().Int32Value();
  if (n < 1) throw Napi::RangeError::New(info.Env(), "thread count must be >= 1");
  intraOpThreads = n;
  torch::set_num_threads(n);
  return info.Env().Undefined();
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), torch::get_num_threads());
}

Napi::Value CudaAvailable(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), torch::cuda::is_available());
}

Napi::Value ReadTorchFile(const Napi::CallbackInfo& info) {
  auto path = info[0].As<Napi::String>().Utf8Value();
  auto state = std::make_shared<StateDict>();
  return runAsync(
      info.Env(), [path, state]() { *state = readTorchFile(path); },
      [state](Napi::Env env) { return stateDictToJs(env, *state); });
}

Napi::Value WriteTorchFile(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  auto path = info[0].As<Napi::String>().Utf8Value();
  auto object = info[1].As<Napi::Object>();
  StateDict state;
  auto names = object.GetPropertyNames();
  for (uint32_t i = 0; i < names.Length(); ++i) {
    auto name = names.Get(i).As<Napi::String>().Utf8Value();
    state.emplace_back(name, tensorFromJs(object.Get(name).As<Napi::Object>(), name));
  }
  return runAsync(
      env, [path, state]() { writeTorchFile(path, state); }, [](Napi::Env env) { return env.Undefined(); });
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("Model", Model::Define(env));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads));
  exports.Set("cudaAvailable", Napi::Function::New(env, CudaAvailable));
  exports.Set("readTorchFile", Napi::Function::New(env, ReadTorchFile));
  exports.Set("writeTorchFile", Napi::Function::New(env, WriteTorchFile));
  exports.Set("torchVersion", Napi::String::New(env, TORCH_VERSION));
  return exports;
}

}  // namespace
}  // namespace osteon

static Napi::Object InitOsteon(Napi::Env env, Napi::Object exports) { return osteon::Init(env, exports); }

NODE_API_MODULE(osteon_native, InitOsteon)
