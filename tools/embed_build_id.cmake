# cmake -DIN=<wrapper with @MAPGUARD_BUILD_ID@> -DOUT=<wrapper>
#       -DPLUGIN=<MapGuard-N.so> -DRUNTIME=<libmapguard_rt.a> -P embed_build_id.cmake
# Writes the wrapper with the plugin's and runtime's content hash in it
# (tools/mapguard-clang.in says why); OUT is touched only when it changes,
# so an unchanged plugin keeps every cached object.
file(SHA256 "${PLUGIN}" plugin_hash)
file(SHA256 "${RUNTIME}" runtime_hash)
string(SUBSTRING "${plugin_hash}" 0 16 plugin_hash)
string(SUBSTRING "${runtime_hash}" 0 16 runtime_hash)
set(MAPGUARD_BUILD_ID "plugin-${plugin_hash}-runtime-${runtime_hash}")
configure_file("${IN}" "${OUT}" @ONLY)
file(CHMOD "${OUT}" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
     GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
