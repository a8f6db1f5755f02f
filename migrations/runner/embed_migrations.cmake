# cmake -DOUT=<file.cc> -DDIR=<migrations/versions> -P embed_migrations.cmake
# Writes a C++ source holding every migration file, so kiosk-migrate needs no
# files at run time (the container has none).
file(GLOB FILES "${DIR}/*.sql")
list(SORT FILES)
set(body "")
foreach(path IN LISTS FILES)
  file(READ "${path}" text)
  get_filename_component(name "${path}" NAME)
  string(APPEND body "      {\"${name}\", R\"kiosk_sql(${text})kiosk_sql\"},\n")
endforeach()
file(WRITE "${OUT}.tmp" "// Generated from migrations/versions by embed_migrations.cmake. Do not edit.
#include \"migrations/runner/embedded_migrations.h\"

namespace kiosk::migrate {

std::vector<SourceFile> EmbeddedMigrationFiles() {
  return {
${body}  };
}

}  // namespace kiosk::migrate
")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
