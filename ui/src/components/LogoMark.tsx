import { useId } from "react";

/**
 * The Pipewright mark: source → build → deploy on one pipe.
 * Same drawing as icons/icon.svg (minus the drop shadow), inline so it needs no image request.
 */
export function LogoMark({ size = 28 }: { size?: number }) {
  // useId output may contain characters that are awkward inside url(#…).
  const bg = `logo-bg-${useId().replace(/[^a-zA-Z0-9_-]/g, "")}`;
  return (
    <svg width={size} height={size} viewBox="64 64 896 896" aria-hidden="true" focusable="false">
      <defs>
        <linearGradient id={bg} x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#6366F1" />
          <stop offset="0.5" stopColor="#4C7BEB" />
          <stop offset="1" stopColor="#0EA5D9" />
        </linearGradient>
      </defs>
      <rect x="64" y="64" width="896" height="896" rx="208" fill={`url(#${bg})`} />
      <g fill="#fff" stroke="#fff">
        <path
          d="M300 340H436Q512 340 512 416V608Q512 684 588 684H724"
          fill="none"
          strokeWidth="76"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
        <circle cx="300" cy="340" r="96" />
        <circle cx="724" cy="684" r="96" />
        <circle cx="512" cy="512" r="64" />
      </g>
      <circle cx="300" cy="340" r="40" fill="#6366F1" />
      <rect x="488" y="488" width="48" height="48" rx="10" transform="rotate(45 512 512)" fill="#5470EC" />
      <path
        d="M704 636l48 48-48 48"
        fill="none"
        stroke="#1597DC"
        strokeWidth="36"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
