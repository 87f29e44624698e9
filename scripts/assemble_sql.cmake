# cmake -DOUT=… -DVERSION=… -DSRC=… -P assemble_sql.cmake
# Writes the install script exactly as the Makefile's rule does (same bytes).
file(GLOB parts ${SRC}/sql/install/*.sql)
list(SORT parts)
set(text "-- hitlai ${VERSION} install script: generated from sql/install/*.sql, do not edit.\n")
string(APPEND text "\\echo Use \"CREATE EXTENSION hitlai\" to load this file. \\quit\n")
foreach(p IN LISTS parts)
  file(RELATIVE_PATH rel ${SRC} ${p})
  file(READ ${p} body)
  string(APPEND text "\n-- ==== ${rel} ====\n${body}")
endforeach()
file(WRITE ${OUT} "${text}")
