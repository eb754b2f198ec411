# lit configuration for MapGuard's regression suite.
#
#   test/pass/     IR tests: opt -load-pass-plugin, FileCheck
#   test/e2e/      programs built with build/bin/mapguard-clang++ and run
#   test/runtime/  the runtime's GoogleTest suite, run as one lit test
#   test/tools/    scripts/mapguard-sites and the -mllvm options through the wrappers
#
# Substitutions (every tool comes from the bin directory of the LLVM CMake
# found, 19 unless built with another):
#   %clang %clangxx    plain clang / clang++ (no plugin)
#   %opt               opt
#   %plugin            the pass plugin (MapGuard-<major>.so)
#   %llvm_major        the LLVM major version it is built for
#   %llvm_bin          that LLVM's bin directory
#   %mgcc %mgxx        the wrappers build/bin/mapguard-clang / mapguard-clang++
#                      (with %mgmode: the -mllvm flag of --param mode=fast;
#                      %mode_prefix: STRICT or FAST, a FileCheck prefix)
#   %mapguard_bin      build/bin
#   %mapguard_rt       the runtime archive
#   %mapguard_include  the directory holding mapguard/mapguard.h
#   %mapguard_runtime_src  runtime/, for tests that place maps by the
#                      runtime's own hash (mapguard_internal.h)
#   %runtime_tests     the runtime's GoogleTest binary
#   %mapguard_sites    build/bin/mapguard-sites, run by the Python running lit
#   %mapguard_sarif %mapguard_profile   the same for mapguard-sarif and
#                      mapguard-profile; %python that Python
#   %other_clangxx     clang++ of another major version, which has no plugin
#                      here (feature "other-clang" when one is installed)
# Features: "libcxx" when libc++ is installed; "mode-strict" or "mode-fast"
# (--param mode=..., default strict): the wrappers' default mode; "abseil",
# "boost" and "glib" when their headers are installed (libabsl-dev,
# libboost-dev, libglib2.0-dev),
# "boost-concurrent-flat-map" when Boost has boost::concurrent_flat_map
# (1.83 and later).
import os
import sys

import lit.formats

config.name = "MapGuard"
config.test_format = lit.formats.ShTest(not lit_config.useValgrind)
config.suffixes = [".ll", ".cpp", ".c", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.mapguard_obj_root, "test")

# A racy program that slips past the check can corrupt its map and spin
# forever: give every test a deadline (needs python3-psutil).
lit_config.maxIndividualTestTime = int(lit_config.params.get("timeout", 300))

# Tools from the LLVM bin directory first, never whatever clang PATH holds.
config.environment["PATH"] = os.pathsep.join(
    [config.llvm_tools_dir, config.environment.get("PATH", os.environ.get("PATH", ""))])
# Tests choose their own runtime options.
config.environment.pop("MAPGUARD_OPTIONS", None)
os.environ.pop("MAPGUARD_OPTIONS", None)

tools = config.llvm_tools_dir
config.substitutions.append(("%clangxx", os.path.join(tools, "clang++")))
config.substitutions.append(("%clang", os.path.join(tools, "clang")))
config.substitutions.append(("%opt", os.path.join(tools, "opt")))
config.substitutions.append(("%plugin", config.mapguard_plugin))
config.substitutions.append(("%llvm_major", str(config.llvm_major)))
config.substitutions.append(("%llvm_bin", config.llvm_tools_dir))
# --param mode=strict|fast: the mode the wrappers build in unless a test asks
# for one itself (a later -mllvm -mapguard-mode wins; scripts/test.sh runs
# test/e2e in both modes).
mode = lit_config.params.get("mode", "strict")
if mode not in ("strict", "fast"):
    lit_config.fatal("--param mode=%s: expected strict or fast" % mode)
mode_flags = "" if mode == "strict" else " -mllvm -mapguard-mode=fast"
config.available_features.add("mode-" + mode)
config.substitutions.append(("%mgxx", os.path.join(config.mapguard_bin_dir, "mapguard-clang++") + mode_flags))
config.substitutions.append(("%mgcc", os.path.join(config.mapguard_bin_dir, "mapguard-clang") + mode_flags))
config.substitutions.append(("%mgmode", mode_flags.strip()))
# STRICT or FAST: a FileCheck prefix for what differs between the modes.
config.substitutions.append(("%mode_prefix", mode.upper()))
config.substitutions.append(("%mapguard_bin", config.mapguard_bin_dir))
config.substitutions.append(("%mapguard_rt", config.mapguard_runtime))
config.substitutions.append(("%mapguard_include", os.path.join(config.mapguard_src_root, "include")))
config.substitutions.append(("%mapguard_runtime_src", os.path.join(config.mapguard_src_root, "runtime")))
config.substitutions.append(("%runtime_tests", config.mapguard_runtime_tests))
config.substitutions.append(("%mapguard_sites", "%s %s" % (
    sys.executable, os.path.join(config.mapguard_bin_dir, "mapguard-sites"))))
config.substitutions.append(("%mapguard_sarif", "%s %s" % (
    sys.executable, os.path.join(config.mapguard_bin_dir, "mapguard-sarif"))))
config.substitutions.append(("%mapguard_profile", "%s %s" % (
    sys.executable, os.path.join(config.mapguard_bin_dir, "mapguard-profile"))))
config.substitutions.append(("%python", sys.executable))

# "llvm-N": the LLVM major version the plugin is built for.
config.available_features.add("llvm-%d" % config.llvm_major)
# A clang of another major version, for the tests that it is refused.
import glob
for other in sorted(glob.glob("/usr/lib/llvm-*/bin/clang++")):
    if other.split("/")[3] != "llvm-%d" % config.llvm_major:
        config.available_features.add("other-clang")
        config.substitutions.append(("%other_clangxx", other))
        break

if config.has_libcxx:
    config.available_features.add("libcxx")

# The container presets' libraries (-mapguard-presets), where installed.
def _header(path):
    return os.path.exists(os.path.join("/usr/include", path))
if _header("absl/container/flat_hash_map.h"):
    config.available_features.add("abseil")
# The CMake package test needs cmake, ninja and g++ (the compiler it refuses).
import shutil
if all(shutil.which(t) for t in ("cmake", "ninja")) and os.path.exists("/usr/bin/g++"):
    config.available_features.add("cmake")
if shutil.which("ccache"):
    config.available_features.add("ccache")
if _header("glib-2.0/glib.h"):
    config.available_features.add("glib")
if _header("boost/unordered_map.hpp"):
    config.available_features.add("boost")
if _header("boost/unordered/concurrent_flat_map.hpp"):
    config.available_features.add("boost-concurrent-flat-map")
