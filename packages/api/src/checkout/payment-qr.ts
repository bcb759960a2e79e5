import QRCode from "qrcode";

/**
 * The payment URI as an SVG QR code, rendered on the server so the page loads no script library and works
 * without JavaScript. Level M survives a smudged or glare-struck phone screen; the 2-module quiet zone plus
 * the page's white card keep the standard 4-module margin around it.
 */
export function paymentQrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
}
