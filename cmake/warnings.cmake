# wit::warnings: the project's warning flags and, when WIT_SANITIZE is set, its sanitizers.
# Linked PRIVATE by every target.
set(WIT_SANITIZE "" CACHE STRING "Sanitizers to build with, e.g. address,undefined or thread")

add_library(wit_warnings INTERFACE)
add_library(wit::warnings ALIAS wit_warnings)
target_compile_options(wit_warnings INTERFACE -Wall -Wextra)
if(WIT_WERROR)
  target_compile_options(wit_warnings INTERFACE -Werror)
endif()
if(WIT_SANITIZE)
  target_compile_options(wit_warnings INTERFACE -fsanitize=${WIT_SANITIZE} -fno-omit-frame-pointer)
  # GCC 12 reports maybe-uninitialized inside libstdc++ (std::optional, std::regex) once the
  # sanitizers instrument the code: false positives that -Werror would make fatal.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(wit_warnings INTERFACE -Wno-maybe-uninitialized)
  endif()
  target_link_options(wit_warnings INTERFACE -fsanitize=${WIT_SANITIZE})
  if(WIT_SANITIZE MATCHES "undefined")
    # Undefined behaviour aborts, as a memory error does: a run (a fuzz target above all) that
    # only printed it would pass.
    target_compile_options(wit_warnings INTERFACE -fno-sanitize-recover=undefined)
    target_link_options(wit_warnings INTERFACE -fno-sanitize-recover=undefined)
  endif()
  if(WIT_SANITIZE MATCHES "thread")
    # librdkafka's C11 threads, routed through pthreads so TSan sees them (see the file).
    target_sources(wit_warnings INTERFACE
      $<$<STREQUAL:$<TARGET_PROPERTY:TYPE>,EXECUTABLE>:${CMAKE_CURRENT_LIST_DIR}/tsan_c11_threads.cc>)
  endif()
endif()
