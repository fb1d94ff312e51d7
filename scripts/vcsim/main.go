// Command vcsim starts VMware's vCenter simulator (govmomi's simulator package) on loopback for Kiban's
// tests. Debian packages govmomi's library but not its vcsim command, so this small launcher is built
// offline from the Debian package by scripts/ensure-vcsim.sh.
//
// Once the server listens, it prints exactly one line of JSON on stdout (URL with credentials, the
// server's self-signed certificate and the model's inventory counts), then serves until stdin closes
// or it receives SIGTERM/SIGINT. Tests cross-check their inventory against the printed counts.
package main

import (
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"io/ioutil"
	"log"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/vmware/govmomi/simulator"
	_ "github.com/vmware/govmomi/vapi/simulator" // vAPI (REST) endpoints such as /rest/com/vmware/cis/session
)

type counts struct {
	Datacenter int `json:"datacenter"`
	Cluster    int `json:"cluster"`
	Host       int `json:"host"`
	Datastore  int `json:"datastore"`
	VM         int `json:"vm"`
	Pool       int `json:"resourcePool"`
	Folder     int `json:"folder"`
	Portgroup  int `json:"portgroup"`
}

type ready struct {
	URL            string `json:"url"`
	Host           string `json:"host"`
	Port           int    `json:"port"`
	Username       string `json:"username"`
	Password       string `json:"password"`
	CertificatePEM string `json:"certificatePem"`
	Counts         counts `json:"counts"`
	Pid            int    `json:"pid"`
}

func main() {
	port := flag.Int("port", 0, "TCP port on 127.0.0.1 (0 = any free port)")
	username := flag.String("username", "user", "the only user name Login accepts")
	password := flag.String("password", "pass", "the only password Login accepts")
	dc := flag.Int("dc", 2, "datacenters")
	cluster := flag.Int("cluster", 2, "clusters per datacenter")
	clusterHost := flag.Int("host", 3, "hosts per cluster")
	standalone := flag.Int("standalone-host", 1, "standalone hosts per datacenter")
	vm := flag.Int("vm", 4, "virtual machines per resource pool (each cluster's root pool and each standalone host)")
	ds := flag.Int("ds", 2, "datastores")
	verbose := flag.Bool("verbose", false, "keep the simulator's own log on stderr")
	watchStdin := flag.Bool("exit-on-stdin-eof", true, "stop when stdin closes (set false to run it by hand with </dev/null)")
	flag.Parse()

	if !*verbose {
		log.SetOutput(ioutil.Discard)
	}

	model := simulator.VPX()
	model.Datacenter = *dc
	model.Cluster = *cluster
	model.ClusterHost = *clusterHost
	model.Host = *standalone
	model.Machine = *vm
	model.Datastore = *ds

	if err := model.Create(); err != nil {
		fail("create model: %v", err)
	}
	defer model.Remove() // removes the datastores' temporary directories

	model.Service.Listen = &url.URL{
		Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(*port)),
		User: url.UserPassword(*username, *password),
	}
	model.Service.TLS = new(tls.Config)
	model.Service.RegisterEndpoints = true

	server := model.Service.NewServer()
	defer server.Close()

	c := model.Count()
	_, portStr, _ := net.SplitHostPort(server.URL.Host)
	portNum, _ := strconv.Atoi(portStr)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: server.Certificate().Raw})

	line, err := json.Marshal(ready{
		URL:            server.URL.String(),
		Host:           "127.0.0.1",
		Port:           portNum,
		Username:       *username,
		Password:       *password,
		CertificatePEM: string(certPEM),
		Counts: counts{
			Datacenter: c.Datacenter,
			Cluster:    c.Cluster,
			Host:       c.Host,
			Datastore:  c.Datastore,
			VM:         c.Machine,
			Pool:       c.Pool,
			Folder:     c.Folder,
			Portgroup:  c.Portgroup,
		},
		Pid: os.Getpid(),
	})
	if err != nil {
		fail("encode ready line: %v", err)
	}
	os.Stdout.Write(append(line, '\n'))

	done := make(chan string, 2)
	if *watchStdin {
		go func() {
			_, _ = io.Copy(ioutil.Discard, os.Stdin)
			done <- "stdin closed"
		}()
	}
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
		done <- (<-sig).String()
	}()

	reason := <-done
	fmt.Fprintf(os.Stderr, "vcsim: stopping (%s)\n", reason)
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "vcsim: "+format+"\n", args...)
	os.Exit(1)
}
