/**
 * Draws SVG text into a canvas and returns the PNG as base64 (no data: prefix).
 * The SVG is loaded through a blob: URL, which the page's CSP allows for images;
 * an SVG image with only inline content does not taint the canvas.
 */
export async function rasterizeSvg(svgText: string, width: number, height: number, scale = 2): Promise<string> {
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.decoding = 'async';
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () =>
        reject(new Error(`rasterizeSvg: the browser could not load the SVG (${svgText.length} characters)`));
      image.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('rasterizeSvg: no 2d canvas context');
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
  } finally {
    URL.revokeObjectURL(url);
  }
}
