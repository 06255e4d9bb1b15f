# flowscope_embed_shaders(<target> <glsl files...>)
# Compiles each GLSL file (a path under shaders/, e.g. diffusion/splat.comp) with glslc into a C
# array initialiser (<name>.spv.inc, names unique across folders) under <build>/shaders/generated,
# tracked with a depfile so #include-d GLSL rebuilds dependants. Includes resolve beside the file,
# then in shaders/core (dispatch.glsl).
# Code includes it as:  static const uint32_t kSpv[] =
#                       #include "edm_step.comp.spv.inc"
#                       ;
function(flowscope_embed_shaders target)
  set(out_dir ${CMAKE_BINARY_DIR}/shaders/generated)
  file(MAKE_DIRECTORY ${out_dir})
  set(outputs)
  foreach(src IN LISTS ARGN)
    get_filename_component(name ${src} NAME)
    set(abs ${CMAKE_CURRENT_SOURCE_DIR}/${src})
    set(out ${out_dir}/${name}.spv.inc)
    add_custom_command(
      OUTPUT ${out}
      COMMAND Vulkan::glslc --target-env=vulkan1.0 -O -mfmt=c -MD -MF ${out}.d
              -I ${CMAKE_SOURCE_DIR}/shaders/core -o ${out} ${abs}
      DEPENDS ${abs}
      DEPFILE ${out}.d
      COMMENT "glslc ${name}"
      VERBATIM)
    list(APPEND outputs ${out})
  endforeach()
  add_custom_target(${target} DEPENDS ${outputs})
endfunction()
