import { useEffect, useRef, useState } from "preact/hooks";
import { useConsole } from "../../context";

const EVERY_MS = 250;

interface Detector {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
type DetectorClass = new (options: { formats: string[] }) => Detector;

/** Reads a voucher's QR code with the device camera (getUserMedia): the browser's own BarcodeDetector where
 * it has one (Chrome on Android and macOS, Safari), else jsQR on the video's frames — loaded only then, as
 * its own chunk, so the first load does not carry it (desktop Chromium on Linux and Firefox have no
 * BarcodeDetector). */
export function Scanner({ onCode, onClose }: { onCode(code: string): void; onClose(): void }) {
  const { words } = useConsole();
  const video = useRef<HTMLVideoElement>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const stop = () => {
      stopped = true;
      clearTimeout(timer);
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
    (async () => {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      const element = video.current;
      if (stopped || !element) return stop();
      element.srcObject = stream;
      await element.play();
      const read = await reader(element);
      const tick = async () => {
        if (stopped) return;
        const text = element.readyState >= 2 ? await read() : null;
        if (text) {
          stop();
          onCode(text.trim());
        } else {
          timer = setTimeout(tick, EVERY_MS);
        }
      };
      await tick();
    })().catch(() => {
      stop();
      setFailed(true);
    });
    return stop;
  }, []);

  return (
    <div class="card scanner">
      {failed ? (
        <p class="problem" role="alert">
          {words.t("desk.scan.no_camera")}
        </p>
      ) : (
        <video ref={video} muted playsInline aria-label={words.t("desk.scan.camera")} />
      )}
      <button type="button" class="secondary" onClick={onClose}>
        {words.t("desk.scan.close")}
      </button>
    </div>
  );
}

async function reader(element: HTMLVideoElement): Promise<() => Promise<string | null>> {
  const Native = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  if (Native) {
    const detector = new Native({ formats: ["qr_code"] });
    return async () => (await detector.detect(element))[0]?.rawValue ?? null;
  }
  const { default: jsQR } = await import("jsqr");
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  return async () => {
    if (!context || !element.videoWidth) return null;
    canvas.width = element.videoWidth;
    canvas.height = element.videoHeight;
    context.drawImage(element, 0, 0);
    const frame = context.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(frame.data, frame.width, frame.height, { inversionAttempts: "dontInvert" })?.data ?? null;
  };
}
