# A toolchain file that makes a CMake project a MapGuard build with no edit:
#
#   cmake -S . -B build-mapguard \
#     -DCMAKE_TOOLCHAIN_FILE=<prefix>/share/mapguard/toolchain.cmake
#
# The compilers are MapGuard's wrappers (clang with the plugin loaded; the
# runtime linked into executables). -DMAPGUARD_MODE=fast picks fast mode.
get_filename_component(_mapguard_prefix "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
set(CMAKE_C_COMPILER "${_mapguard_prefix}/bin/mapguard-clang")
set(CMAKE_CXX_COMPILER "${_mapguard_prefix}/bin/mapguard-clang++")
if(MAPGUARD_MODE)
  if(NOT MAPGUARD_MODE MATCHES "^(fast|strict)$")
    message(FATAL_ERROR "MAPGUARD_MODE is fast or strict, not '${MAPGUARD_MODE}'")
  endif()
  set(CMAKE_C_FLAGS_INIT "-mllvm -mapguard-mode=${MAPGUARD_MODE}")
  set(CMAKE_CXX_FLAGS_INIT "-mllvm -mapguard-mode=${MAPGUARD_MODE}")
endif()
