import { createRoot } from 'react-dom/client';
import { App } from './app/app';
import { prefetchInitialRoute } from './app/prefetch-initial-route';
import './app/styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
prefetchInitialRoute(window.location.pathname);
createRoot(container).render(<App />);
