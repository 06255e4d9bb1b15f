// Flat indices of a dispatch that ComputeKernel::dispatch may split into rows of work groups
// (more groups than maxComputeWorkGroupCount[0]): group g is (g % rows, g / rows). Include after
// the shader's local_size layout. Groups past the requested count exist in the last row; shaders
// guard their indices as they guard the tail of a single row.
uint flatWorkGroup() {
  return gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
}
uint flatInvocation() {
  return flatWorkGroup() * gl_WorkGroupSize.x + gl_LocalInvocationID.x;
}
uint flatInvocationCount() {
  return gl_NumWorkGroups.x * gl_NumWorkGroups.y * gl_WorkGroupSize.x;
}
