{
  "variables": {
    # A user-supplied libtorch (e.g. a CUDA build unpacked from pytorch.org) via LIBTORCH_DIR; Debian's by default.
    "libtorch_dir%": "<!(node -p \"process.env.LIBTORCH_DIR || ''\")"
  },
  "targets": [
    {
      "target_name": "osteon_native",
      "sources": [
        "src/addon.cc",
        "src/graph_model.cc",
        "src/checkpoint.cc",
        "src/weight_average.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-O2", "-fexceptions", "-frtti", "-Wno-unused-parameter", "-Wno-deprecated-declarations"],
      "conditions": [
        ["libtorch_dir==''", {
          "include_dirs": ["/usr/include", "/usr/include/torch/csrc/api/include"],
          "libraries": ["-ltorch", "-ltorch_cpu", "-lc10"]
        }, {
          "include_dirs": ["<(libtorch_dir)/include", "<(libtorch_dir)/include/torch/csrc/api/include"],
          "libraries": [
            "-L<(libtorch_dir)/lib", "-Wl,-rpath,<(libtorch_dir)/lib",
            "-Wl,--no-as-needed", "-ltorch", "-ltorch_cpu", "-lc10",
            "<!(node -e \"const fs=require('fs');const d=process.env.LIBTORCH_DIR+'/lib';console.log(fs.existsSync(d+'/libtorch_cuda.so')?'-ltorch_cuda -lc10_cuda':'')\")",
            "-Wl,--as-needed"
          ]
        }]
      ]
    }
  ]
}
