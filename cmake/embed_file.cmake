# Writes a C++ source holding a file's bytes (run with cmake -P):
#   cmake -DINPUT=in.pb -DOUTPUT=out.cc -DSYMBOL=kName -P embed_file.cmake
# defines `extern const unsigned char kName[]` and `extern const std::size_t kName_size`.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE "${OUTPUT}"
  "// Generated from ${INPUT} by cmake/embed_file.cmake; do not edit.\n"
  "#include <cstddef>\n"
  "extern const unsigned char ${SYMBOL}[] = {${bytes}};\n"
  "extern const std::size_t ${SYMBOL}_size = ${size};\n")
