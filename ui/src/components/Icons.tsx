import type { ReactNode, SVGProps } from "react";

type IconProps = Omit<SVGProps<SVGSVGElement>, "children"> & { size?: number };

function Svg({ size = 16, children, ...rest }: IconProps & { children: ReactNode }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      {...rest}
    >
      {children}
    </svg>
  );
}

/** An icon component drawing `shape` (24×24, stroked in the text colour). */
function icon(shape: ReactNode) {
  return function Icon(props: IconProps) {
    return <Svg {...props}>{shape}</Svg>;
  };
}

export const KeyIcon = icon(
  <>
    <circle cx="7.5" cy="15.5" r="4.5" />
    <path d="M10.7 12.3 20 3M16 7l3 3M18 5l2 2" />
  </>,
);

export const PlusSquareIcon = icon(
  <>
    <rect x="3.5" y="3.5" width="17" height="17" rx="3.5" />
    <path d="M12 8.5v7M8.5 12h7" />
  </>,
);

export const WorkflowIcon = icon(
  <>
    <rect x="3.5" y="3.5" width="6" height="6" rx="1.5" />
    <rect x="14.5" y="14.5" width="6" height="6" rx="1.5" />
    <path d="M6.5 9.5v2.5a5.5 5.5 0 0 0 5.5 5.5h2.5" />
  </>,
);

export const ClockIcon = icon(
  <>
    <circle cx="12" cy="12" r="8.5" />
    <path d="M12 7.5V12l3 2" />
  </>,
);

export const PlusIcon = icon(<path d="M12 5v14M5 12h14" />);

export const CheckIcon = icon(<path d="m5 12.5 4.5 4.5L19 7.5" />);

export const CheckCircleIcon = icon(
  <>
    <circle cx="12" cy="12" r="8.5" />
    <path d="m8.5 12.2 2.4 2.4 4.6-4.8" />
  </>,
);

export const AlertIcon = icon(
  <>
    <circle cx="12" cy="12" r="8.5" />
    <path d="M12 7.8v5M12 16.2h.01" />
  </>,
);

export const InfoIcon = icon(
  <>
    <circle cx="12" cy="12" r="8.5" />
    <path d="M12 11v5M12 7.8h.01" />
  </>,
);

export const CloseIcon = icon(<path d="m6.5 6.5 11 11M17.5 6.5l-11 11" />);

export const PencilIcon = icon(<path d="M4.5 19.5h3.8L19 8.8 15.2 5 4.5 15.7v3.8zM13.5 6.7l3.8 3.8" />);

export const TrashIcon = icon(<path d="M4.5 7h15M9.5 7V4.5h5V7M6.5 7l.9 12.5h9.2L17.5 7M10 11v5M14 11v5" />);

export const BoltIcon = icon(<path d="M13 3 5 13.5h6L10 21l8-10.5h-6L13 3z" />);

export const ChevronDownIcon = icon(<path d="m6.5 9.5 5.5 5.5 5.5-5.5" />);

export const ChevronRightIcon = icon(<path d="m9.5 6.5 5.5 5.5-5.5 5.5" />);

export const GlobeIcon = icon(
  <>
    <circle cx="12" cy="12" r="8.5" />
    <path d="M3.5 12h17M12 3.5c2.4 2.4 3.5 5.2 3.5 8.5s-1.1 6.1-3.5 8.5c-2.4-2.4-3.5-5.2-3.5-8.5S9.6 5.9 12 3.5z" />
  </>,
);

export const UserIcon = icon(
  <>
    <circle cx="12" cy="8.5" r="4" />
    <path d="M4.5 20a7.5 7.5 0 0 1 15 0" />
  </>,
);

export const ExternalIcon = icon(<path d="M14 4.5h5.5V10M19.5 4.5 11 13M17.5 14v4.5a1 1 0 0 1-1 1h-11a1 1 0 0 1-1-1v-11a1 1 0 0 1 1-1H10" />);

export const BoxIcon = icon(<path d="m3.5 7.5 8.5-4 8.5 4-8.5 4-8.5-4zM3.5 7.5v9l8.5 4 8.5-4v-9M12 11.5v9" />);

export const LockIcon = icon(
  <>
    <rect x="5" y="10.5" width="14" height="10" rx="2" />
    <path d="M8.5 10.5V8a3.5 3.5 0 0 1 7 0v2.5" />
  </>,
);

export const XCircleIcon = icon(
  <>
    <circle cx="12" cy="12" r="8.5" />
    <path d="m9.2 9.2 5.6 5.6M14.8 9.2l-5.6 5.6" />
  </>,
);

export const StopCircleIcon = icon(
  <>
    <circle cx="12" cy="12" r="8.5" />
    <rect x="9" y="9" width="6" height="6" rx="1" />
  </>,
);

export const MinusCircleIcon = icon(
  <>
    <circle cx="12" cy="12" r="8.5" />
    <path d="M8.5 12h7" />
  </>,
);

export const RetryIcon = icon(<path d="M4.5 12a7.5 7.5 0 0 1 13-5.1L19.5 9M19.5 4.5V9H15M19.5 12a7.5 7.5 0 0 1-13 5.1L4.5 15M4.5 19.5V15H9" />);

export const SearchIcon = icon(
  <>
    <circle cx="11" cy="11" r="6.5" />
    <path d="m16 16 4 4" />
  </>,
);

export const ArrowLeftIcon = icon(<path d="M19 12H5M11 6l-6 6 6 6" />);

export const ArrowRightIcon = icon(<path d="M5 12h14M13 6l6 6-6 6" />);

export const RocketIcon = icon(<path d="M14.5 4.5c2.5-1 4.6-1 5-1 0 .4 0 2.5-1 5L13 14l-3-3 4.5-6.5zM10 11l-4-.5 2.5-3H13M13 14l.5 4 3-2.5V11M8 16c-1.5.5-2.5 2-3 3.5 1.5-.5 3-1.5 3.5-3" />);

export const CommitIcon = icon(
  <>
    <circle cx="12" cy="12" r="3.5" />
    <path d="M3.5 12h5M15.5 12h5" />
  </>,
);
