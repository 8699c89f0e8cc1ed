# wit::warnings: the project's warning flags, linked PRIVATE by every target.
add_library(wit_warnings INTERFACE)
add_library(wit::warnings ALIAS wit_warnings)
target_compile_options(wit_warnings INTERFACE -Wall -Wextra)
if(WIT_WERROR)
  target_compile_options(wit_warnings INTERFACE -Werror)
endif()
