export class PortInUseError extends Error {
  override name = "PortInUseError";
}
