# flowscope_embed_shaders(<target> SOURCES <glsl files...>
#                         [VARIANT <name> <MACRO> <glsl files...>]...)
# Compiles each GLSL file (a path under shaders/, e.g. diffusion/splat.comp) with glslc into a C
# array initialiser (<name>.spv.inc, names unique across folders) under <build>/shaders/generated,
# tracked with a depfile so #include-d GLSL rebuilds dependants. Includes resolve beside the file,
# then in shaders/core (dispatch.glsl). A VARIANT compiles the files after it once more with
# -D<MACRO>, into <name>.<variant>.spv.inc.
# Code includes it as:  static const uint32_t kSpv[] =
#                       #include "edm_step.comp.spv.inc"
#                       ;
function(flowscope_embed_shader out_var src out_name define)
  set(out_dir ${CMAKE_BINARY_DIR}/shaders/generated)
  set(abs ${CMAKE_CURRENT_SOURCE_DIR}/${src})
  set(out ${out_dir}/${out_name}.spv.inc)
  set(defines)
  if(define)
    set(defines -D${define})
  endif()
  add_custom_command(
    OUTPUT ${out}
    COMMAND Vulkan::glslc --target-env=vulkan1.0 -O ${defines} -mfmt=c -MD -MF ${out}.d
            -I ${CMAKE_SOURCE_DIR}/shaders/core -o ${out} ${abs}
    DEPENDS ${abs}
    DEPFILE ${out}.d
    COMMENT "glslc ${out_name}"
    VERBATIM)
  set(${out_var} ${out} PARENT_SCOPE)
endfunction()

function(flowscope_embed_shaders target)
  file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/shaders/generated)
  set(outputs)
  set(mode plain)
  set(variant)
  set(define)
  foreach(arg IN LISTS ARGN)
    if(arg STREQUAL "SOURCES")
      set(mode plain)
    elseif(arg STREQUAL "VARIANT")
      set(mode variant-name)
    elseif(mode STREQUAL "variant-name")
      set(variant ${arg})
      set(mode variant-define)
    elseif(mode STREQUAL "variant-define")
      set(define ${arg})
      set(mode variant)
    else()
      get_filename_component(name ${arg} NAME)
      if(mode STREQUAL "variant")
        flowscope_embed_shader(out ${arg} ${name}.${variant} ${define})
      else()
        flowscope_embed_shader(out ${arg} ${name} "")
      endif()
      list(APPEND outputs ${out})
    endif()
  endforeach()
  add_custom_target(${target} DEPENDS ${outputs})
endfunction()
